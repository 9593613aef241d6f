# Writes the kinema-cli(1) man page from the program's own --help output (and each subcommand's),
# so that the page never drifts from the binary. Run in script mode at build time:
#   cmake -DKINEMA_CLI=<path> -DOUTPUT=<kinema-cli.1.gz> -DVERSION=<x.y.z> -P GenerateManPage.cmake
# No help2man needed; the output is plain roff, gzip-compressed (Debian policy 12.1).
foreach(v KINEMA_CLI OUTPUT VERSION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "GenerateManPage.cmake: -D${v}= is required")
  endif()
endforeach()

function(run_help out_var)
  execute_process(COMMAND ${KINEMA_CLI} ${ARGN} --help
    OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "'${KINEMA_CLI} ${ARGN} --help' failed (${rc})")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# roff-escape one block of --help text and wrap it in a no-fill region.
function(roff_block out_var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out_var} ".nf\n${text}\n.fi\n" PARENT_SCOPE)
endfunction()

run_help(top)
# Subcommand names: the lines under "Subcommands:" ("  name   description").
string(REGEX REPLACE ".*\nSubcommands:\n" "" sub_text "${top}")
string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9-]*" sub_lines "${sub_text}")
set(subcommands)
foreach(l IN LISTS sub_lines)
  string(STRIP "${l}" l)
  list(APPEND subcommands "${l}")
endforeach()
if(NOT subcommands)
  message(FATAL_ERROR "no subcommands found in '${KINEMA_CLI} --help'")
endif()

roff_block(top_roff "${top}")
set(page ".TH KINEMA-CLI 1 \"\" \"kinema-cli ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\nkinema-cli \\- text-to-motion with HY-Motion, headless command-line tool\n")
string(APPEND page ".SH SYNOPSIS\n.B kinema-cli\n[\\fIOPTIONS\\fR] \\fISUBCOMMAND\\fR [\\fISUBCOMMAND OPTIONS\\fR]\n")
string(APPEND page ".SH DESCRIPTION\n${top_roff}")
string(APPEND page ".SH SUBCOMMANDS\n")
foreach(s IN LISTS subcommands)
  run_help(sub_help ${s})
  roff_block(sub_roff "${sub_help}")
  string(APPEND page ".SS ${s}\n${sub_roff}")
endforeach()
string(APPEND page ".SH EXAMPLES\n.nf\n")
string(APPEND page "kinema-cli doctor\n")
string(APPEND page "kinema-cli generate \\-\\-model kinema-tiny \\-\\-prompt \"a person walks\" \\-\\-export bvh\n.fi\n")

get_filename_component(out_dir "${OUTPUT}" DIRECTORY)
string(REGEX REPLACE "\\.gz$" "" plain "${OUTPUT}")
file(WRITE "${plain}.tmp" "${page}")
file(RENAME "${plain}.tmp" "${plain}")
# gzip -9n: best compression, no name or timestamp in the header (reproducible; lintian).
find_program(GZIP_EXECUTABLE gzip)
if(GZIP_EXECUTABLE)
  execute_process(COMMAND ${GZIP_EXECUTABLE} -9nc "${plain}" OUTPUT_FILE "${OUTPUT}.tmp" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip failed (${rc})")
  endif()
else()
  file(ARCHIVE_CREATE OUTPUT "${OUTPUT}.tmp" PATHS "${plain}" FORMAT raw COMPRESSION GZip)
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
