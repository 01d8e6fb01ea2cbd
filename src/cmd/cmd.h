/* cmd.h - subcommand entry points; only these decide to exit. */
#ifndef PGC_CMD_H
#define PGC_CMD_H

int cmd_audit(int argc, char **argv);
int cmd_fix(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_erase(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_completion(int argc, char **argv);

#endif
