/* version.h - which fearsim a program runs: the release and the git commit it was built
 * from, for programs linked against the installed library (the result file records both). */
#ifndef FEARSIM_VERSION_H
#define FEARSIM_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/* The release, "MAJOR.MINOR.PATCH" (static text, never NULL). */
const char *fs_version_get_release(void);

/* The git commit of the build ("unknown" outside a git checkout; static text, never NULL). */
const char *fs_version_get_git_commit(void);

#ifdef __cplusplus
}
#endif
#endif
