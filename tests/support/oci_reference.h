/* SPDX-License-Identifier: MIT */
/*
 * The reference reader of OCI seccomp profiles: reads a profile with json-c
 * and builds its filter with libseccomp the way runc does
 * (libcontainer/seccomp/seccomp_linux.go), with the entries' includes and
 * excludes decided as containers-common does for a container. Written apart
 * from moat's importer, so that the two can be compared.
 */
#ifndef MOAT_TEST_OCI_REFERENCE_H
#define MOAT_TEST_OCI_REFERENCE_H

#include <linux/filter.h>
#include <stddef.h>

/*
 * The BPF program libseccomp makes of `json` for a container with the
 * capabilities in `capabilities` (comma-separated, "CAP_" names; NULL:
 * Docker's default set). Returns the program (release with free()) and its
 * length, or NULL with the reason in `why`.
 */
struct sock_filter *oci_reference_compile(const char *json, const char *capabilities,
                                          size_t *length, char *why, size_t why_size);

#endif /* MOAT_TEST_OCI_REFERENCE_H */
