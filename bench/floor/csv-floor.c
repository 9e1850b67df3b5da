/* The libcsv floor for `orderbatch validate`: read a CSV file through libcsv with the same
 * options orderbatch uses (strict off, spaces kept is not needed for the count), count
 * records and fields, do nothing else. Usage: csv-floor FILE
 * Any CSV reader built on libcsv pays at least this much per row. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

struct counts { size_t fields, records, bytes; };

static void on_field(void *s, size_t len, void *data) {
    struct counts *c = data;
    c->fields++;
    c->bytes += len;
    (void)s;
}

static void on_record(int ch, void *data) {
    ((struct counts *)data)->records++;
    (void)ch;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: csv-floor FILE\n"); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) return 1;
    static char buf[1 << 16];
    struct counts c = {0, 0, 0};
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_record, &c) != n) {
            fprintf(stderr, "%s\n", csv_strerror(csv_error(&p)));
            return 1;
        }
    }
    csv_fini(&p, on_field, on_record, &c);
    csv_free(&p);
    fclose(f);
    printf("%zu records, %zu fields, %zu field bytes\n", c.records, c.fields, c.bytes);
    return 0;
}
