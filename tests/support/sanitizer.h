/* SPDX-License-Identifier: MIT */
/*
 * BUILT_WITH_ASAN is defined when the file including this one is compiled
 * with AddressSanitizer, by gcc (__SANITIZE_ADDRESS__) or clang
 * (__has_feature). Tests use it where the sanitizer's own runtime changes
 * what can be observed.
 */
#ifndef MOAT_TEST_SANITIZER_H
#define MOAT_TEST_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#define BUILT_WITH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BUILT_WITH_ASAN 1
#endif
#endif

#endif /* MOAT_TEST_SANITIZER_H */
