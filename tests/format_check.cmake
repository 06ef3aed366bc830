# Fails when a C++ source of the project differs from what clang-format makes of it.
file(GLOB_RECURSE sources ${ROOT}/sim/*.cpp ${ROOT}/sim/*.hpp ${ROOT}/models/*.cpp ${ROOT}/models/*.hpp
     ${ROOT}/tools/*.cpp ${ROOT}/tests/*.cpp ${ROOT}/tests/*.hpp ${ROOT}/bench/*.cpp ${ROOT}/bench/*.hpp)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${sources} RESULT_VARIABLE rc
                ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${out}\nrun: clang-format -i <file> (or on every file: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i)")
endif()
list(LENGTH sources n)
message(STATUS "${n} files follow .clang-format")
