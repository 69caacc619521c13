# The storage seam (docs/architecture.md, "Storage"): SQLite's own API and SQL (sqlite3_*,
# <sqlite3.h>, PRAGMA, sqlite_master) appear only under core/storage/sqlite/, libpq's (PQ*) only
# under core/storage/postgres/. Fails naming each file and line that does otherwise.
#   cmake -DROOT=<source folder> [-DFOLDERS="core;app"] -P check_seam.cmake
# ui/ is not covered yet (its file dialogs name ".sqlite" files: moved with the shell's work).
cmake_minimum_required(VERSION 3.20)
if(NOT ROOT)
    message(FATAL_ERROR "check_seam.cmake: give -DROOT=<source folder>")
endif()
if(NOT FOLDERS)
    set(FOLDERS core app)
endif()
# Files another change still has to move behind the seam (each listed with why), relative to ROOT.
set(PENDING
)

set(found 0)
set(report "")
foreach(folder IN LISTS FOLDERS)
    if(NOT IS_DIRECTORY "${ROOT}/${folder}")
        message(FATAL_ERROR "check_seam.cmake: ${ROOT}/${folder} is not a folder")
    endif()
    file(GLOB_RECURSE files RELATIVE "${ROOT}" "${ROOT}/${folder}/*.cpp" "${ROOT}/${folder}/*.h")
    foreach(file IN LISTS files)
        if(file IN_LIST PENDING)
            continue()
        endif()
        set(rules "")
        if(NOT file MATCHES "^core/storage/sqlite/")
            list(APPEND rules "sqlite3_" "<sqlite3\\.h>" "PRAGMA" "sqlite_master")
        endif()
        if(NOT file MATCHES "^core/storage/postgres/")
            # libpq's functions: PQexec, PQconnectdb, PQputCopyData...
            list(APPEND rules "PQ[a-z][A-Za-z]+")
        endif()
        # One list item a line: what would split or join items (";", brackets) is made harmless.
        file(READ "${ROOT}/${file}" text)
        string(REGEX REPLACE "[][;\\]" "_" text "${text}")
        string(REPLACE "\n" ";" lines "${text}")
        set(number 0)
        foreach(line IN LISTS lines)
            math(EXPR number "${number} + 1")
            foreach(rule IN LISTS rules)
                if(line MATCHES "${rule}")
                    math(EXPR found "${found} + 1")
                    string(APPEND report "  ${file}:${number}: ${CMAKE_MATCH_0}\n")
                    break()
                endif()
            endforeach()
        endforeach()
    endforeach()
endforeach()

if(found GREATER 0)
    message(FATAL_ERROR "The storage seam is broken in ${found} place(s): move the engine's own code into "
                        "core/storage/sqlite/ or core/storage/postgres/ behind StorageBackend (storage/backend.h).\n"
                        "${report}")
endif()
message(STATUS "The storage seam holds in: ${FOLDERS}")
