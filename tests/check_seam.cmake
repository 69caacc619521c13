# The storage seam (docs/architecture.md, "Storage"): SQLite's own API and SQL (sqlite3_*,
# <sqlite3.h>, PRAGMA, sqlite_master), its helpers (the lmo::sqlite namespace) and its file names
# (".sqlite") appear only under core/storage/sqlite/; libpq's (PQ*) and PostgreSQL's helpers (the
# lmo::pg namespace) only under core/storage/postgres/. Everything else reaches an engine through
# StorageBackend (core/storage/backend.h). Fails naming each file and line that does otherwise.
#   cmake -DROOT=<source folder> [-DFOLDERS="core;app;ui"] -P check_seam.cmake
# The namespaces count in code only: a comment may name what a function calls.
cmake_minimum_required(VERSION 3.20)
if(NOT ROOT)
    message(FATAL_ERROR "check_seam.cmake: give -DROOT=<source folder>")
endif()
if(NOT FOLDERS)
    set(FOLDERS core app ui)
endif()
# An engine's namespace: used (sqlite::x, lmo::sqlite::x), opened or taken in (namespace sqlite,
# using namespace lmo::sqlite). The character before keeps "xsqlite::" from counting.
function(namespace_rules name out)
    set(${out} "(^|[^A-Za-z0-9_])${name}::[A-Za-z_]+" "namespace[ ]+(lmo::)?${name}([^A-Za-z0-9_:]|$)" PARENT_SCOPE)
endfunction()
namespace_rules(sqlite sqlite_namespace)
namespace_rules(pg pg_namespace)

set(found 0)
set(report "")
foreach(folder IN LISTS FOLDERS)
    if(NOT IS_DIRECTORY "${ROOT}/${folder}")
        message(FATAL_ERROR "check_seam.cmake: ${ROOT}/${folder} is not a folder")
    endif()
    file(GLOB_RECURSE files RELATIVE "${ROOT}" "${ROOT}/${folder}/*.cpp" "${ROOT}/${folder}/*.h")
    foreach(file IN LISTS files)
        # Rules on each whole line, and rules on its code (the line without a // comment).
        set(rules "")
        set(code_rules "")
        if(NOT file MATCHES "^core/storage/sqlite/")
            list(APPEND rules "sqlite3_" "<sqlite3\\.h>" "PRAGMA" "sqlite_master" "\\.sqlite")
            list(APPEND code_rules ${sqlite_namespace})
        endif()
        if(NOT file MATCHES "^core/storage/postgres/")
            # libpq's functions: PQexec, PQconnectdb, PQputCopyData...
            list(APPEND rules "PQ[a-z][A-Za-z]+")
            list(APPEND code_rules ${pg_namespace})
        endif()
        # One list item a line: what would split or join items (";", brackets) becomes a space.
        file(READ "${ROOT}/${file}" text)
        string(REGEX REPLACE "[][;\\]" " " text "${text}")
        string(REPLACE "\n" ";" lines "${text}")
        set(number 0)
        foreach(line IN LISTS lines)
            math(EXPR number "${number} + 1")
            string(REGEX REPLACE "//.*" "" code "${line}")
            set(hit "")
            foreach(rule IN LISTS rules)
                if(line MATCHES "${rule}")
                    set(hit "${CMAKE_MATCH_0}")
                    break()
                endif()
            endforeach()
            if(hit STREQUAL "")
                foreach(rule IN LISTS code_rules)
                    if(code MATCHES "${rule}")
                        string(REGEX REPLACE "^[^A-Za-z]+" "" hit "${CMAKE_MATCH_0}")
                        string(STRIP "${hit}" hit)
                        break()
                    endif()
                endforeach()
            endif()
            if(NOT hit STREQUAL "")
                math(EXPR found "${found} + 1")
                string(APPEND report "  ${file}:${number}: ${hit}\n")
            endif()
        endforeach()
    endforeach()
endforeach()

if(found GREATER 0)
    message(FATAL_ERROR "The storage seam is broken in ${found} place(s): move the engine's own code into "
                        "core/storage/sqlite/ or core/storage/postgres/ behind StorageBackend (storage/backend.h).\n"
                        "${report}")
endif()
message(STATUS "The storage seam holds in: ${FOLDERS}")
