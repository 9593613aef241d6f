# Project-wide compile settings applied per target with kinema_target_defaults().
function(kinema_target_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)
  # torch uses `slots` as an identifier: Qt keywords are off everywhere.
  target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
endfunction()
