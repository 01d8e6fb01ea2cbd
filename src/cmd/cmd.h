/* cmd.h - subcommand entry points; only these decide to exit. */
#ifndef PGC_CMD_H
#define PGC_CMD_H

int cmd_audit(int argc, char **argv);
int cmd_fix(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_erase(int argc, char **argv);
int cmd_completion(int argc, char **argv);

/* Each command's own long options ({0}-terminated), listed in
 * cli/commands.c; the shared ones are in cli/common.c. */
#include <getopt.h>
extern const struct option fix_options[];
extern const struct option audit_options[];
extern const struct option verify_options[];
extern const struct option lint_options[];
extern const struct option erase_options[];

#endif
