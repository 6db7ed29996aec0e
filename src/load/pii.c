/*
 * pii.c - refuse case tables that look like personal data (see pii.h).
 *
 * Two kinds of evidence, checked column by column in table order; the first
 * column with either wins:
 *   1. the column name, normalised to lower-case tokens ("Geb_Datum" ->
 *      {geb, datum}, joined "gebdatum"; "houseNumber" -> {house, number});
 *   2. the shape of its non-empty sample values, as a share of them: BSN
 *      (elfproef), full dates, six-character postcodes, postcode + house
 *      number, "Straatnaam 12".
 * Thresholds are shares of the non-empty values (not of the rows; CBS no-data
 * markers count as empty), so a column that is half empty is judged on what
 * it holds.  A BSN-shaped column
 * must pass the 11-test for at least 80% of its nine-digit values: random
 * nine-digit numbers pass it about one time in eleven.
 *
 * A column's value evidence is a tally of shapes (struct ws_pii_tally), so a
 * table can be judged in one pass however many rows it has; a value costs a
 * few character tests (most values of a case table start with a letter or
 * are short numbers and are settled by the first).
 *
 * Invariants: no allocation, no I/O, and no value is ever copied out: the
 * result names a column index and a kind only.
 */
#include "wijkscan/load/pii.h"

#include "wijkscan/core/text.h"

#include <string.h>

#define MAX_TOKENS 12
#define TOKEN_LEN  40
#define JOINED_LEN 160

struct colname {
    char tok[MAX_TOKENS][TOKEN_LEN];
    size_t n_tok;
    char joined[JOINED_LEN]; /* all tokens without separators */
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_alpha(char c)
{
    return is_upper(c) || is_lower(c);
}

static char lower(char c)
{
    if (is_upper(c))
        return (char)(c | 0x20);
    return c;
}

static void split_name(const char *name, struct colname *cn)
{
    size_t tl = 0;
    size_t jl = 0;
    char prev = '\0';

    memset(cn, 0, sizeof(*cn));
    if (!name)
        return;
    for (const char *p = name;; p++) {
        char c = *p;
        // separators end a token; so does a lower->Upper step (camelCase)
        bool sep = c == '\0' || c == '_' || c == '-' || c == ' ' || c == '.' || c == '/' ||
                   c == '(' || c == ')' || c == '\t' || c == ':' || c == '#';
        bool camel = is_upper(c) && is_lower(prev);
        if ((sep || camel) && tl > 0) {
            cn->tok[cn->n_tok][tl] = '\0';
            if (cn->n_tok + 1 < MAX_TOKENS)
                cn->n_tok++;
            tl = 0;
        }
        if (c == '\0')
            break;
        prev = c;
        if (sep)
            continue;
        if (tl + 1 < TOKEN_LEN)
            cn->tok[cn->n_tok][tl++] = lower(c);
        if (jl + 1 < JOINED_LEN)
            cn->joined[jl++] = lower(c);
    }
    cn->joined[jl] = '\0';
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

static bool has_token(const struct colname *cn, const char *const *list)
{
    for (size_t i = 0; i < cn->n_tok; i++) {
        if (in_list(cn->tok[i], list))
            return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Joined names that are personal names on their own. */
static const char *const name_joined[] = {
    "naam",        "name",        "namen",         "names",          "voornaam",    "voornamen",
    "achternaam",  "roepnaam",    "tussenvoegsel", "tussenvoegsels", "familienaam", "geslachtsnaam",
    "meisjesnaam", "voorletters", "initialen",     "volledigenaam",  "firstname",   "lastname",
    "surname",     "givenname",   "fullname",      "familyname",     "middlename",  "maidenname",
    "forename",    NULL,
};
static const char *const name_word[] = {"naam", "name", "namen", "names", NULL};
/* Qualifiers that make "naam"/"name" an area, category or organisation name. */
static const char *const not_person[] = {
    "buurt",    "wijk",          "gemeente",     "gem",          "stad",        "dorp",
    "plaats",   "woonplaats",    "regio",        "region",       "area",        "gebied",
    "district", "neighbourhood", "neighborhood", "municipality", "provincie",   "province",
    "land",     "country",       "categorie",    "category",     "cat",         "vraagtype",
    "type",     "soort",         "groep",        "group",        "team",        "locatie",
    "location", "organisatie",   "organisation", "organization", "aanbieder",   "provider",
    "school",   "instelling",    "bestand",      "file",         "layer",       "laag",
    "kolom",    "column",        "veld",         "field",        "indicator",   "variabele",
    "variable", "product",       "dienst",       "service",      "voorziening", "jaar",
    "year",     "periode",       "period",       "code",         "statistiek",  "bron",
    "source",   "cbs",           "kwb",          "pc4",          "postcode",    NULL,
};
/* Prefixes that, glued to "naam"/"name", make a personal name (clientnaam). */
static const char *const person_prefix[] = {
    "client", "cli\xC3\xABnt", "kind",      "kinder",   "jongere",   "jeugdige",  "ouder",
    "moeder", "vader",         "persoon",   "persoons", "person",    "patient",   "pati\xC3\xABnt",
    "klant",  "aanvrager",     "bewoner",   "burger",   "contact",   "gebruiker", "user",
    "voor",   "achter",        "roep",      "familie",  "geslachts", "meisjes",   "first",
    "last",   "full",          "given",     "family",   "sur",       "middle",    "maiden",
    "fore",   "volledige",     "deelnemer", "leerling", "student",   NULL,
};
static const char *const street_word[] = {"straat", "street", "straatnaam", "streetname", NULL};

static const char *const bsn_joined[] = {
    "bsn",        "bsnnummer", "bsnnr", "burgerservicenummer",  "burgerservicenr",
    "sofinummer", "sofinr",    "sofi",  "citizenservicenumber", "socialsecuritynumber",
    "ssn",        NULL,
};
static const char *const bsn_word[] = {"bsn", "burgerservicenummer", "sofinummer", NULL};

static const char *const birth_joined[] = {
    "geboortedatum", "gebdatum", "gebdat", "geboortedag", "geboorte",
    "geb",           "geboren",  "birth",  "birthdate",   "dateofbirth",
    "birthday",      "dob",      "born",   "bday",        NULL,
};

static const char *const address_joined[] = {
    "adres",
    "address",
    "adressen",
    "addresses",
    "straat",
    "street",
    "straatnaam",
    "streetname",
    "huisnummer",
    "huisnr",
    "huisnummers",
    "housenumber",
    "houseno",
    "housenr",
    "huisletter",
    "huisnummertoevoeging",
    "huisnrtoevoeging",
    "woonadres",
    "postadres",
    "bezoekadres",
    "adresregel",
    "addressline",
    "addressline1",
    "addressline2",
    "streetaddress",
    "straatenhuisnummer",
    "straathuisnummer",
    NULL,
};
static const char *const address_word[] = {
    "adres",      "address", "straat",     "street",    "straatnaam", "streetname",
    "huisnummer", "huisnr",  "huisletter", "woonadres", NULL,
};
static const char *const house_joined[] = {
    "huisnummer", "huisnr",     "huisnummers",          "housenumber", "houseno",
    "housenr",    "huisletter", "huisnummertoevoeging", NULL,
};
static const char *const postcode_joined[] = {
    "postcode",  "pc",        "pc6", "postalcode", "zip", "zipcode",
    "postcode6", "postcode4", "pc4", "postcodes",  NULL,
};

static bool is_postcode_name(const struct colname *cn)
{
    return in_list(cn->joined, postcode_joined) || ends_with(cn->joined, "postcode");
}

static bool is_house_name(const struct colname *cn)
{
    return in_list(cn->joined, house_joined) ||
           has_token(cn, (const char *const[]){"huisnummer", "huisnr", "housenumber", NULL}) ||
           (has_token(cn, (const char *const[]){"house", "huis", NULL}) &&
            has_token(cn, (const char *const[]){"number", "nummer", "nr", "no", NULL}));
}

static bool name_is_personal(const struct colname *cn)
{
    if (in_list(cn->joined, name_joined))
        return true;
    if (has_token(cn, name_word)) {
        // "naam client" is personal, "buurt_naam" and "category name" are not
        if (has_token(cn, not_person))
            return false;
        return true;
    }
    // glued compounds: "clientnaam" is personal, "buurtnaam", "bestandsnaam" are not
    for (size_t i = 0; i < cn->n_tok; i++) {
        const char *t = cn->tok[i];
        for (size_t k = 0; person_prefix[k]; k++) {
            size_t n = strlen(person_prefix[k]);
            if (strncmp(t, person_prefix[k], n) == 0 &&
                (strcmp(t + n, "naam") == 0 || strcmp(t + n, "name") == 0 ||
                 strcmp(t + n, "snaam") == 0 || strcmp(t + n, "namen") == 0))
                return true;
        }
    }
    return false;
}

static enum ws_pii_kind kind_by_name(const struct colname *cn)
{
    if (in_list(cn->joined, bsn_joined) || has_token(cn, bsn_word))
        return WS_PII_BSN;
    if (in_list(cn->joined, birth_joined) || strstr(cn->joined, "geboortedat") ||
        strstr(cn->joined, "gebdat") || strstr(cn->joined, "birthdate") ||
        strstr(cn->joined, "dateofbirth") || strstr(cn->joined, "geboortedag") ||
        (has_token(cn, (const char *const[]){"birth", "geboorte", "geb", NULL}) &&
         has_token(cn, (const char *const[]){"date", "datum", "dag", "day", "dat", NULL})))
        return WS_PII_BIRTH_DATE;
    if (in_list(cn->joined, address_joined) || has_token(cn, address_word) ||
        (has_token(cn, name_word) && has_token(cn, street_word)) || is_house_name(cn))
        return WS_PII_ADDRESS;
    if (name_is_personal(cn))
        return WS_PII_NAME;
    return WS_PII_NONE;
}

bool ws_pii_is_bsn(const char *s)
{
    int sum = 0;
    bool nonzero = false;

    if (!s || strlen(s) != 9)
        return false;
    for (int i = 0; i < 9; i++) {
        if (!is_digit(s[i]))
            return false;
        int d = s[i] - '0';
        nonzero = nonzero || d != 0;
        sum += (i < 8) ? (9 - i) * d : -d;
    }
    return nonzero && sum % 11 == 0;
}

/* Copies value without surrounding white space into buf; false if too long. */
static bool trimmed(const char *v, char *buf, size_t cap)
{
    const char *b = v;
    const char *e;

    if (!v)
        return false;
    while (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
        b++;
    e = b + strlen(b);
    while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    if ((size_t)(e - b) + 1 > cap)
        return false;
    memcpy(buf, b, (size_t)(e - b));
    buf[e - b] = '\0';
    return true;
}

/* 0: not nine digits; 1: nine digits passing the 11-test; 2: failing it.
 * "123 456 782" and "123.456.782" count as nine digits. */
static int bsn_shape(const char *v)
{
    char digits[10];
    size_t n = 0;
    size_t len = strlen(v);

    if (len == 11 && (v[3] == ' ' || v[3] == '.') && v[7] == v[3]) {
        for (size_t i = 0; i < len; i++) {
            if (i == 3 || i == 7)
                continue;
            if (!is_digit(v[i]))
                return 0;
            digits[n++] = v[i];
        }
    } else if (len == 9) {
        for (size_t i = 0; i < len; i++) {
            if (!is_digit(v[i]))
                return 0;
            digits[n++] = v[i];
        }
    } else {
        return 0;
    }
    digits[n] = '\0';
    return ws_pii_is_bsn(digits) ? 1 : 2;
}

/* Reads 1..max digits at *p into *out. */
static bool read_num(const char **p, int min, int max, int *out)
{
    int n = 0;
    int v = 0;
    while (n < max && is_digit((*p)[n])) {
        v = v * 10 + ((*p)[n] - '0');
        n++;
    }
    if (n < min)
        return false;
    *p += n;
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* True for a full calendar date: dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy,
 * yyyy-mm-dd, yyyy/mm/dd, optionally followed by a time.  *boundary is set
 * when the date is the first or last day of a month (a period marker). */
static bool date_shape(const char *v, bool *boundary)
{
    const char *p = v;
    int a;
    int b;
    int c;
    int y;
    int m;
    int d;
    char sep;

    if (!read_num(&p, 1, 4, &a))
        return false;
    sep = *p;
    if (sep != '-' && sep != '/' && sep != '.')
        return false;
    p++;
    if (p - v == 5) { // yyyy-mm-dd
        y = a;
        if (!read_num(&p, 1, 2, &m) || *p++ != sep || !read_num(&p, 1, 2, &d))
            return false;
    } else if (p - v <= 3) { // dd-mm-yyyy
        d = a;
        if (!read_num(&p, 1, 2, &b) || *p++ != sep || !read_num(&p, 4, 4, &c))
            return false;
        m = b;
        y = c;
    } else {
        return false;
    }
    if (*p != '\0') {
        // a time part: "T12:00", " 00:00:00"
        if (*p != ' ' && *p != 'T')
            return false;
        p++;
        if (!is_digit(p[0]) || !is_digit(p[1]) || p[2] != ':')
            return false;
    }
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *boundary = d == 1 || d == days_in_month(y, m);
    return true;
}

/* Length of a six-character postcode at v ("9712AB", "9712 AB"), or 0. */
static size_t pc6_prefix(const char *v)
{
    size_t i = 4;
    if (!(v[0] >= '1' && v[0] <= '9') || !is_digit(v[1]) || !is_digit(v[2]) || !is_digit(v[3]))
        return 0;
    if (v[i] == ' ')
        i++;
    if (!is_alpha(v[i]) || !is_alpha(v[i + 1]))
        return 0;
    i += 2;
    if (is_alpha(v[i]))
        return 0;
    return i;
}

static bool pc6_shape(const char *v)
{
    size_t n = pc6_prefix(v);
    return n > 0 && v[n] == '\0';
}

/* "9712 AB 12", "9712AB-12a", "9712 AB, 12 bis". */
static bool pc6_house_shape(const char *v)
{
    size_t n = pc6_prefix(v);
    const char *p;

    if (n == 0)
        return false;
    p = v + n;
    while (*p == ' ' || *p == ',' || *p == '-')
        p++;
    if (!is_digit(*p))
        return false;
    while (is_digit(*p))
        p++;
    return strlen(p) <= 8;
}

static const char *const street_suffix[] = {
    "straat", "straatje", "laan",   "weg",   "plein",  "kade",  "gracht",    "singel",    "dijk",
    "pad",    "steeg",    "hof",    "park",  "dreef",  "markt", "plantsoen", "boulevard", "allee",
    "baan",   "wal",      "diep",   "haven", "ring",   "kamp",  "erf",       "brink",     "oord",
    "gang",   "poort",    "street", "road",  "avenue", "lane",  "drive",     "square",    NULL,
};

/* "Herestraat 12", "Oude Ebbingestraat 5a", "Grote Markt 1-3": words, the
 * last one ending in a street suffix, then a house number. */
static bool street_shape(const char *v)
{
    const char *num = NULL;
    char last[64];
    size_t ll = 0;
    const char *p;

    // the house number is the last space-separated part that starts with a digit
    for (p = v; *p; p++) {
        if (*p == ' ' && is_digit(p[1]))
            num = p + 1;
    }
    if (!num)
        return false;
    for (p = num; is_digit(*p); p++) {
    }
    if (strlen(p) > 8)
        return false;
    // the word before the number
    p = num - 1;
    while (p > v && p[-1] == ' ')
        p--;
    const char *wend = p;
    while (p > v && p[-1] != ' ')
        p--;
    if (wend - p < 3 || (size_t)(wend - p) >= sizeof(last))
        return false;
    for (const char *q = p; q < wend; q++) {
        if (!is_alpha(*q) && *q != '-' && *q != '\'' && *q != '.' && (unsigned char)*q < 0x80)
            return false;
        last[ll++] = lower(*q);
    }
    last[ll] = '\0';
    for (size_t k = 0; street_suffix[k]; k++) {
        if (ends_with(last, street_suffix[k]))
            return true;
    }
    return false;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void ws_pii_tally_add(struct ws_pii_tally *tally, const char *value)
{
    char buf[256];
    const char *v = value;
    size_t len;
    bool boundary = false;

    if (!value || !value[0])
        return;
    // values read by ogr_source.c are trimmed already: copy only if needed
    len = strlen(value);
    if (is_blank(value[0]) || is_blank(value[len - 1])) {
        if (!trimmed(value, buf, sizeof(buf)))
            return;
        v = buf;
        len = strlen(buf);
    } else if (len >= sizeof(buf)) {
        return; // as trimmed(): too long to be any of the shapes
    }
    // no-data markers ("", ".", -99999999) say nothing about a column
    if (len == 0 || ((v[0] == '.' || v[0] == '-') && ws_is_nodata(v)))
        return;
    tally->n++;
    // every shape but an address starts with a digit and has six or more
    // characters (9712AB; dates 8, BSNs 9 or 11); an address has a space
    if (is_digit(v[0]) && len >= 6) {
        switch (len == 9 || len == 11 ? bsn_shape(v) : 0) {
        case 1:
            tally->bsn_pass++;
            break;
        case 2:
            tally->bsn_fail++;
            break;
        default:
            break;
        }
        if (len >= 8 && date_shape(v, &boundary)) {
            tally->dates++;
            tally->dates_inner += !boundary;
        }
        tally->pc6 += pc6_shape(v);
        tally->pc6_house += pc6_house_shape(v);
    }
    if (memchr(v, ' ', len))
        tally->streets += street_shape(v);
}

/* The verdict on a column's values; thresholds are shares of its non-empty
 * values. */
static enum ws_pii_kind kind_by_tally(const struct ws_pii_tally *t)
{
    size_t n = t->n;
    size_t nine = t->bsn_pass + t->bsn_fail;

    if (n == 0)
        return WS_PII_NONE;
    if (t->bsn_pass > 0 && 2 * nine >= n && 5 * t->bsn_pass >= 4 * nine)
        return WS_PII_BSN;
    if (2 * t->dates >= n && t->dates_inner > 0)
        return WS_PII_BIRTH_DATE;
    if (2 * t->pc6_house >= n)
        return WS_PII_POSTCODE_HOUSE;
    if (2 * t->pc6 >= n)
        return WS_PII_POSTCODE6;
    if (2 * t->streets >= n)
        return WS_PII_ADDRESS;
    return WS_PII_NONE;
}

static void set_result(struct ws_pii_result *res, enum ws_pii_kind kind, size_t column,
                       bool by_name)
{
    res->kind = kind;
    res->column = column;
    res->by_name = by_name;
}

/* A postcode column next to a house-number column: postcode + house number. */
static bool postcode_with_house(const char *const *names, size_t n_cols, struct ws_pii_result *res)
{
    struct colname cn;
    size_t postcode_col = n_cols;
    bool has_house = false;

    for (size_t c = 0; c < n_cols; c++) {
        split_name(names[c], &cn);
        if (is_postcode_name(&cn) && postcode_col == n_cols)
            postcode_col = c;
        if (is_house_name(&cn))
            has_house = true;
    }
    if (postcode_col < n_cols && has_house) {
        set_result(res, WS_PII_POSTCODE_HOUSE, postcode_col, true);
        return true;
    }
    return false;
}

/* The column's verdict by name, then by values (tally may be NULL). */
static bool judge_column(const char *name, size_t c, const struct ws_pii_tally *tally,
                         struct ws_pii_result *res)
{
    struct colname cn;
    enum ws_pii_kind k;

    split_name(name, &cn);
    k = kind_by_name(&cn);
    if (k != WS_PII_NONE) {
        set_result(res, k, c, true);
        return true;
    }
    k = tally ? kind_by_tally(tally) : WS_PII_NONE;
    if (k != WS_PII_NONE) {
        set_result(res, k, c, false);
        return true;
    }
    return false;
}

bool ws_pii_scan_tallies(const char *const *names, size_t n_cols,
                         const struct ws_pii_tally *tallies, struct ws_pii_result *res)
{
    set_result(res, WS_PII_NONE, 0, false);
    if (postcode_with_house(names, n_cols, res))
        return true;
    for (size_t c = 0; c < n_cols; c++) {
        if (judge_column(names[c], c, tallies ? &tallies[c] : NULL, res))
            return true;
    }
    return false;
}

bool ws_pii_scan_names(const char *const *names, size_t n_cols, struct ws_pii_result *res)
{
    return ws_pii_scan_tallies(names, n_cols, NULL, res);
}

bool ws_pii_scan(const char *const *names, size_t n_cols, const char *const *values, size_t n_rows,
                 struct ws_pii_result *res)
{
    set_result(res, WS_PII_NONE, 0, false);
    if (postcode_with_house(names, n_cols, res))
        return true;
    for (size_t c = 0; c < n_cols; c++) {
        struct ws_pii_tally tally = WS_PII_TALLY_INIT;
        for (size_t r = 0; values && r < n_rows; r++)
            ws_pii_tally_add(&tally, values[r * n_cols + c]);
        if (judge_column(names[c], c, &tally, res))
            return true;
    }
    return false;
}

const char *ws_pii_kind_desc(enum ws_pii_kind kind)
{
    switch (kind) {
    case WS_PII_NAME:
        return "names";
    case WS_PII_BSN:
        return "BSN numbers (burgerservicenummers)";
    case WS_PII_BIRTH_DATE:
        return "birth dates";
    case WS_PII_ADDRESS:
        return "addresses";
    case WS_PII_POSTCODE_HOUSE:
        return "postcodes with house numbers";
    case WS_PII_POSTCODE6:
        return "six-character postcodes";
    case WS_PII_NONE:
        break;
    }
    return "nothing personal";
}
