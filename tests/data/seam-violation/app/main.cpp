// A planted break of the storage seam, for the test that the seam check fails on one.
#include <sqlite3.h>
int main() { return 0; }
