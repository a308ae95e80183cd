// A shared library that registers nothing: loading it as a plugin must be a clear error.
int naskit_empty_plugin_marker = 0;
