#ifndef PGC_VERSION_H
#define PGC_VERSION_H
#define PGC_VERSION "0.1.0"
/* The licence (LICENSE, debian/copyright); printed by --version. */
#define PGC_LICENSE "PostgreSQL"
#endif
