dnl SPDX-License-Identifier: GPL-2.0-or-later
dnl CU_WARN_ADD(VARIABLE, FLAGS): append each flag the C compiler accepts.
AC_DEFUN([CU_WARN_ADD], [
	for cu_flag in $2; do
		cu_save_CFLAGS="$CFLAGS"
		dnl -Wno-foo is accepted silently by gcc; test the positive form.
		cu_test=`echo "$cu_flag" | sed 's/^-Wno-error=/-Werror=/; s/^-Wno-/-W/'`
		CFLAGS="$CFLAGS -Werror $cu_test"
		AC_MSG_CHECKING([whether $CC accepts $cu_flag])
		AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
			[AC_MSG_RESULT([yes]); $1="[$]$1 $cu_flag"],
			[AC_MSG_RESULT([no])])
		CFLAGS="$cu_save_CFLAGS"
	done
])

dnl CU_DL_MODE(OPTION, VARIABLE, LIBRARY): --with-OPTION=dlopen|link for a
dnl library of common/dlsym.c whose flags PKG_CHECK_MODULES put in
dnl VARIABLE_CFLAGS/_LIBS.  Defines CU_LINK_VARIABLE to 1 (link) or 0
dnl (dlopen, the default); a linked library's VARIABLE_LIBS go to
dnl DL_LINK_LIBS, and cu_dl_OPTION says which it is.
AC_DEFUN([CU_DL_MODE], [
	AC_ARG_WITH([$1],
		[AS_HELP_STRING([--with-$1=dlopen|link],
			[$3: load it when first needed (default) or link it])],
		[], [with_[]m4_translit([$1], [-], [_])=dlopen])
	AS_CASE([$with_[]m4_translit([$1], [-], [_])],
		[dlopen|yes], [cu_dl_[]m4_translit([$1], [-], [_])=dlopen],
		[link], [cu_dl_[]m4_translit([$1], [-], [_])=link
			DL_LINK_LIBS="$DL_LINK_LIBS $$2_LIBS"],
		[AC_MSG_ERROR([--with-$1=$with_[]m4_translit([$1], [-], [_]): use dlopen or link ($3 is required)])])
	AC_DEFINE_UNQUOTED([CU_LINK_$2],
		[`test "$cu_dl_[]m4_translit([$1], [-], [_])" = link && echo 1 || echo 0`],
		[Define to 1 to link $3, 0 to dlopen it on first use])
])
