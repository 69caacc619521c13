// A planted break: the window names an engine's files.
const char *filter = "LMO Desk databases (*.sqlite *.db)";
