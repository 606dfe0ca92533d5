package io.flowbundle.cli;

/** How report commands print: for people, or JSON for tools. */
enum OutputFormat {
    text,
    json
}
