/* The parts of the UEFI specification (2.10) this application uses, written
 * from the spec: types, status codes, the system table, boot services in
 * their exact slot order, and the protocols we open. Firmware functions use
 * the Microsoft x64 calling convention (EFIAPI). */
#ifndef EFI_H
#define EFI_H

#include <stdint.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef void *efi_event;
typedef uint16_t char16;

#define EFI_ERROR_BIT          (1ull << 63)
#define EFI_SUCCESS            0
#define EFI_LOAD_ERROR         (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER  (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED        (EFI_ERROR_BIT | 3)
#define EFI_DEVICE_ERROR       (EFI_ERROR_BIT | 7)
#define EFI_BUFFER_TOO_SMALL   (EFI_ERROR_BIT | 5)
#define EFI_OUT_OF_RESOURCES   (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND          (EFI_ERROR_BIT | 14)

struct efi_guid {
    uint32_t a;
    uint16_t b, c;
    uint8_t d[8];
};

struct efi_table_header {
    uint64_t signature;
    uint32_t revision, header_size, crc32, reserved;
};

/* Memory types (EFI_MEMORY_TYPE) */
enum {
    EFI_RESERVED_MEMORY, EFI_LOADER_CODE, EFI_LOADER_DATA, EFI_BOOT_SERVICES_CODE,
    EFI_BOOT_SERVICES_DATA, EFI_RUNTIME_SERVICES_CODE, EFI_RUNTIME_SERVICES_DATA,
    EFI_CONVENTIONAL_MEMORY, EFI_UNUSABLE_MEMORY, EFI_ACPI_RECLAIM_MEMORY,
    EFI_ACPI_MEMORY_NVS, EFI_MEMORY_MAPPED_IO, EFI_MEMORY_MAPPED_IO_PORT_SPACE,
    EFI_PAL_CODE, EFI_PERSISTENT_MEMORY, EFI_UNACCEPTED_MEMORY,
};

/* EFI_ALLOCATE_TYPE */
enum { EFI_ALLOCATE_ANY_PAGES, EFI_ALLOCATE_MAX_ADDRESS, EFI_ALLOCATE_ADDRESS };

struct efi_memory_descriptor {
    uint32_t type;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t pages;
    uint64_t attribute;
};

struct efi_text_output {
    efi_status (EFIAPI *reset)(struct efi_text_output *, uint8_t extended);
    efi_status (EFIAPI *output_string)(struct efi_text_output *, const char16 *);
    void *test_string, *query_mode, *set_mode, *set_attribute, *clear_screen,
         *set_cursor_position, *enable_cursor, *mode;
};

typedef void *efi_unused_fn;

/* Timer events: CreateEvent's type, SetTimer's kinds (EFI_TIMER_DELAY). */
#define EFI_EVT_TIMER 0x80000000u
enum { EFI_TIMER_CANCEL, EFI_TIMER_PERIODIC, EFI_TIMER_RELATIVE };
struct efi_device_path;

struct efi_boot_services {
    struct efi_table_header hdr;
    efi_unused_fn raise_tpl, restore_tpl;
    efi_status (EFIAPI *allocate_pages)(int type, uint32_t memory_type, uint64_t pages,
                                        uint64_t *address);
    efi_status (EFIAPI *free_pages)(uint64_t address, uint64_t pages);
    efi_status (EFIAPI *get_memory_map)(uint64_t *size, struct efi_memory_descriptor *map,
                                        uint64_t *key, uint64_t *descriptor_size,
                                        uint32_t *descriptor_version);
    efi_status (EFIAPI *allocate_pool)(uint32_t memory_type, uint64_t size, void **buffer);
    efi_status (EFIAPI *free_pool)(void *buffer);
    efi_status (EFIAPI *create_event)(uint32_t type, uint64_t notify_tpl, void *notify,
                                      void *context, efi_event *event);
    efi_status (EFIAPI *set_timer)(efi_event event, int type, uint64_t trigger_100ns);
    efi_unused_fn wait_for_event, signal_event;
    efi_status (EFIAPI *close_event)(efi_event event);
    efi_status (EFIAPI *check_event)(efi_event event);
    efi_unused_fn install_protocol_interface, reinstall_protocol_interface,
                  uninstall_protocol_interface;
    efi_status (EFIAPI *handle_protocol)(efi_handle, const struct efi_guid *, void **);
    efi_unused_fn reserved, register_protocol_notify, locate_handle;
    efi_status (EFIAPI *locate_device_path)(const struct efi_guid *, struct efi_device_path **,
                                            efi_handle *device);
    efi_unused_fn install_configuration_table;
    efi_unused_fn load_image, start_image, exit, unload_image;
    efi_status (EFIAPI *exit_boot_services)(efi_handle image, uint64_t map_key);
    efi_unused_fn get_next_monotonic_count;
    efi_status (EFIAPI *stall)(uint64_t microseconds);
    efi_status (EFIAPI *set_watchdog_timer)(uint64_t timeout, uint64_t code, uint64_t size,
                                            const char16 *data);
    efi_unused_fn connect_controller, disconnect_controller;
    efi_unused_fn open_protocol, close_protocol, open_protocol_information;
    efi_unused_fn protocols_per_handle, locate_handle_buffer;
    efi_status (EFIAPI *locate_protocol)(const struct efi_guid *, void *registration,
                                         void **interface);
    efi_unused_fn install_multiple_protocol_interfaces, uninstall_multiple_protocol_interfaces;
    efi_unused_fn calculate_crc32, copy_mem, set_mem, create_event_ex;
};

/* GetTime's result. */
struct efi_time {
    uint16_t year;
    uint8_t month, day, hour, minute, second, pad1;
    uint32_t nanosecond;
    int16_t time_zone;
    uint8_t daylight, pad2;
};
_Static_assert(sizeof(struct efi_time) == 16, "EFI_TIME layout");

struct efi_runtime_services {
    struct efi_table_header hdr;
    efi_status (EFIAPI *get_time)(struct efi_time *time, void *capabilities);
    efi_unused_fn set_time, get_wakeup_time, set_wakeup_time;
    efi_unused_fn set_virtual_address_map, convert_pointer;
    efi_status (EFIAPI *get_variable)(const char16 *name, const struct efi_guid *vendor,
                                      uint32_t *attributes, uint64_t *size, void *data);
};

/* Device path nodes: type, subtype, length (of the node, header included). */
struct efi_device_path {
    uint8_t type, subtype;
    uint8_t length[2];
};

#define EFI_DEVICE_PATH_END        0x7f
#define EFI_DEVICE_PATH_END_ENTIRE 0xff
#define EFI_DEVICE_PATH_MESSAGING  0x03
#define EFI_DEVICE_PATH_UART       0x0e
#define EFI_DEVICE_PATH_MEDIA      0x04
#define EFI_DEVICE_PATH_HARD_DRIVE 0x01     /* media: a partition of the disk before it */

/* EFI_BLOCK_IO_PROTOCOL and its media. */
struct efi_block_io_media {
    uint32_t media_id;
    uint8_t removable_media, media_present, logical_partition, read_only, write_caching;
    uint32_t block_size;
    uint32_t io_align;
    uint64_t last_block;
};

struct efi_block_io {
    uint64_t revision;
    struct efi_block_io_media *media;
    efi_unused_fn reset;
    efi_status (EFIAPI *read_blocks)(struct efi_block_io *, uint32_t media_id, uint64_t lba,
                                     uint64_t size, void *buffer);
    efi_unused_fn write_blocks, flush_blocks;
};

struct efi_configuration_table {
    struct efi_guid guid;
    void *table;
};

struct efi_system_table {
    struct efi_table_header hdr;
    char16 *firmware_vendor;
    uint32_t firmware_revision;
    efi_handle console_in_handle;
    void *con_in;
    efi_handle console_out_handle;
    struct efi_text_output *con_out;
    efi_handle standard_error_handle;
    struct efi_text_output *std_err;
    struct efi_runtime_services *runtime_services;
    struct efi_boot_services *boot_services;
    uint64_t table_entries;
    struct efi_configuration_table *tables;
};

/* Graphics Output Protocol */
enum { GOP_RGBX_8, GOP_BGRX_8, GOP_BITMASK, GOP_BLT_ONLY };

struct efi_gop_mode_info {
    uint32_t version;
    uint32_t width, height;
    uint32_t pixel_format;
    uint32_t red_mask, green_mask, blue_mask, reserved_mask;
    uint32_t pixels_per_scan_line;
};

struct efi_gop_mode {
    uint32_t max_mode, mode;
    struct efi_gop_mode_info *info;
    uint64_t info_size;
    uint64_t framebuffer_base;
    uint64_t framebuffer_size;
};

struct efi_gop {
    efi_status (EFIAPI *query_mode)(struct efi_gop *, uint32_t mode, uint64_t *size,
                                    struct efi_gop_mode_info **info);
    efi_status (EFIAPI *set_mode)(struct efi_gop *, uint32_t mode);
    efi_unused_fn blt;
    struct efi_gop_mode *mode;
};

struct efi_loaded_image {
    uint32_t revision;
    efi_handle parent;
    struct efi_system_table *system_table;
    efi_handle device;
    void *file_path;
    void *reserved;
    uint32_t load_options_size;
    void *load_options;
    void *image_base;
    uint64_t image_size;
    uint32_t code_type, data_type;
    efi_unused_fn unload;
};

struct efi_file {
    uint64_t revision;
    efi_status (EFIAPI *open)(struct efi_file *, struct efi_file **out, const char16 *name,
                              uint64_t mode, uint64_t attributes);
    efi_status (EFIAPI *close)(struct efi_file *);
    efi_unused_fn delete_;
    efi_status (EFIAPI *read)(struct efi_file *, uint64_t *size, void *buffer);
    efi_unused_fn write;
    efi_status (EFIAPI *get_position)(struct efi_file *, uint64_t *position);
    efi_status (EFIAPI *set_position)(struct efi_file *, uint64_t position);
    efi_unused_fn get_info, set_info, flush;
};

#define EFI_FILE_MODE_READ 1ull

struct efi_simple_file_system {
    uint64_t revision;
    efi_status (EFIAPI *open_volume)(struct efi_simple_file_system *, struct efi_file **root);
};

/* EFI_TCG2_PROTOCOL (TCG EFI Protocol Specification, TPM 2.0 family). */
struct efi_tcg2_version {
    uint8_t major, minor;
};

struct efi_tcg2_capability {
    uint8_t size;                      /* in: sizeof this structure */
    struct efi_tcg2_version structure_version, protocol_version;
    uint32_t hash_algorithm_bitmap;
    uint32_t supported_event_logs;
    uint8_t tpm_present;
    uint16_t max_command_size, max_response_size;
    uint32_t manufacturer_id;
    uint32_t number_of_pcr_banks;
    uint32_t active_pcr_banks;
};                                     /* natural alignment, unlike the event */
_Static_assert(sizeof(struct efi_tcg2_capability) == 36, "EFI_TCG2_BOOT_SERVICE_CAPABILITY");

struct efi_tcg2_event_header {
    uint32_t header_size;              /* sizeof this header */
    uint16_t header_version;           /* 1 */
    uint32_t pcr_index;
    uint32_t event_type;
} __attribute__((packed));

struct efi_tcg2_event {
    uint32_t size;                     /* the whole event, data included */
    struct efi_tcg2_event_header header;
    uint8_t event[];
} __attribute__((packed));
_Static_assert(sizeof(struct efi_tcg2_event) == 18, "EFI_TCG2_EVENT (pack 1)");

struct efi_tcg2_protocol {
    efi_status (EFIAPI *get_capability)(struct efi_tcg2_protocol *,
                                        struct efi_tcg2_capability *);
    efi_unused_fn get_event_log;
    efi_status (EFIAPI *hash_log_extend_event)(struct efi_tcg2_protocol *, uint64_t flags,
                                               uint64_t data, uint64_t size,
                                               struct efi_tcg2_event *event);
    efi_unused_fn submit_command, get_active_pcr_banks, set_active_pcr_banks,
        get_result_of_set_active_pcr_banks;
};

#define EFI_TCG2_PROTOCOL_GUID \
    { 0x607f766c, 0x7455, 0x42be, { 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } }

#define EFI_GOP_GUID \
    { 0x9042a9de, 0x23dc, 0x4a38, { 0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a } }
#define EFI_LOADED_IMAGE_GUID \
    { 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_DEVICE_PATH_GUID \
    { 0x09576e91, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_BLOCK_IO_GUID \
    { 0x964e5b21, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_SIMPLE_FILE_SYSTEM_GUID \
    { 0x964e5b22, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_GLOBAL_VARIABLE_GUID \
    { 0x8be4df61, 0x93ca, 0x11d2, { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c } }
#define EFI_ACPI_20_TABLE_GUID \
    { 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } }
#define EFI_ACPI_10_TABLE_GUID \
    { 0xeb9d2d30, 0x2d88, 0x11d3, { 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } }

#endif
