/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vethctl-cni.h - vethctl's CNI mode (bin/vethctl-cni.c), which main()
 * of bin/vethctl.c hands a run to when it is a CNI plugin call.
 */
#ifndef CU_VETHCTL_CNI_H
#define CU_VETHCTL_CNI_H

#include <stdbool.h>

/* Is this run a CNI plugin call (CNI_COMMAND set, or no argument under another name)? */
bool cni_mode(int argc, char **argv);
/* Run it: the CNI command's result on stdout, an error as CNI JSON. */
int cni_main(void);

#endif /* CU_VETHCTL_CNI_H */
