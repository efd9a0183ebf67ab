/* COM1 output, for stage 4 and the bundled kernels. The UART is programmed
 * by stage 2 (115200 8N1); this only writes. */
#ifndef SERIAL_H
#define SERIAL_H

/* One character; "\n" goes out as "\r\n". The wait for the transmitter is
 * bounded, so a machine without a UART does not hang. */
void serial_putc(char c);

#endif
