/* srcloc.c - byte offset to line:col; see frontend.h. */
#include "frontend/frontend.h"

SrcLoc srcloc_at(const char *file, const char *text, size_t len, int offset)
{
	SrcLoc l = {file, 1, 1, offset};
	if (offset < 0)
		offset = 0;
	if ((size_t)offset > len)
		offset = (int)len;
	for (int i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			l.line++;
			l.col = 1;
		} else {
			l.col++;
		}
	}
	return l;
}
