#ifndef PGC_VERSION_H
#define PGC_VERSION_H
#define PGC_VERSION "0.1.0"
#endif
