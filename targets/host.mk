# Host tools (kcheck, mkheader) and the unit tests compile the shared C with
# the system compiler; unit tests add the sanitizers.
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
HOST_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
