/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The `abri` subcommands: one cmd_<name>.c each. argv[0] is the
 * subcommand's name; optind is reset before the call. Each returns an exit
 * code (common.h). */
#ifndef ABRI_CLI_CMD_H
#define ABRI_CLI_CMD_H

#include "common.h"

int cmd_keygen(int argc, char **argv, cli_config *cfg);
int cmd_cases(int argc, char **argv, cli_config *cfg);
int cmd_show(int argc, char **argv, cli_config *cfg);
int cmd_reply(int argc, char **argv, cli_config *cfg);
int cmd_state(int argc, char **argv, cli_config *cfg);
int cmd_watch(int argc, char **argv, cli_config *cfg);
int cmd_verify_receipt(int argc, char **argv, cli_config *cfg);
int cmd_code(int argc, char **argv, cli_config *cfg);
int cmd_console(int argc, char **argv, cli_config *cfg);
int cmd_stats(int argc, char **argv, cli_config *cfg);
int cmd_acknowledge(int argc, char **argv, cli_config *cfg);
int cmd_verify_ack(int argc, char **argv, cli_config *cfg);
int cmd_survey_codes(int argc, char **argv, cli_config *cfg);
int cmd_admin_org_keygen(int argc, char **argv, cli_config *cfg);
int cmd_admin_server_keygen(int argc, char **argv, cli_config *cfg);
int cmd_admin_sign_recipients(int argc, char **argv, cli_config *cfg);
int cmd_admin_upload_recipients(int argc, char **argv, cli_config *cfg);
int cmd_admin_migrate(int argc, char **argv, cli_config *cfg);
int cmd_audit_report(int argc, char **argv, cli_config *cfg);
int cmd_audit_survey_codes(int argc, char **argv, cli_config *cfg);

#endif
