/* glibc's malloc tuning (mallopt), which Swift's Glibc module does not import. */
#ifndef OVIRT_WIZARD_CMALLOC_SHIM_H
#define OVIRT_WIZARD_CMALLOC_SHIM_H

#include <malloc.h>

static inline int shim_malloc_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }
static inline int shim_malloc_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

#endif
