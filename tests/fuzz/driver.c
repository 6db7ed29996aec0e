/*
 * driver.c - replays files through a harness without libFuzzer: every file
 * named on the command line, or every file of a folder named there, goes to
 * LLVMFuzzerTestOneInput once.  Built with the normal compiler (and the
 * sanitizers under SAN=1), it makes the seed corpus and the saved crash
 * inputs regression tests of `make test`.
 */
#include "fuzz.h"

#include <dirent.h>
#include <sys/stat.h>

static int replay(const char *path)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0;
    size_t cap = 0;
    size_t got;

    if (!fp) {
        (void)fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    do {
        if (n + 65536 > cap) {
            cap = (cap + 65536) * 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        got = fread(buf + n, 1, 65536, fp);
        n += got;
    } while (got > 0);
    (void)fclose(fp);
    (void)LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = 0;
    int bad = 0;

    (void)LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            char path[4096];
            while (d && (e = readdir(d))) {
                if (e->d_name[0] == '.')
                    continue;
                (void)snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
                bad |= replay(path);
                n++;
            }
            if (d)
                (void)closedir(d);
        } else {
            bad |= replay(argv[i]);
            n++;
        }
    }
    (void)printf("%s: %zu inputs replayed\n", argv[0], n);
    return bad;
}
