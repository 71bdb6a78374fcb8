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
