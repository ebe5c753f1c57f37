# SPDX-License-Identifier: Apache-2.0
# Finds the OpenCV modules Pareto uses (core, imgproc, imgcodecs, dnn: core/onnx runs ONNX files) without the
# all-modules libopencv-dev, whose CMake config Debian ships only with that package.
# Defines the imported target OpenCVModules::OpenCVModules.
find_package(OpenCV QUIET COMPONENTS core imgproc imgcodecs dnn)
if(OpenCV_FOUND)
  add_library(OpenCVModules::OpenCVModules INTERFACE IMPORTED)
  target_include_directories(OpenCVModules::OpenCVModules INTERFACE ${OpenCV_INCLUDE_DIRS})
  target_link_libraries(OpenCVModules::OpenCVModules INTERFACE ${OpenCV_LIBS})
  set(OpenCVModules_FOUND TRUE)
  return()
endif()

find_path(OpenCVModules_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4)
find_path(OpenCVModules_CONFIG_INCLUDE_DIR opencv2/cvconfig.h
  PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE} PATH_SUFFIXES opencv4)
set(_libs)
foreach(m core imgproc imgcodecs dnn)
  find_library(OpenCVModules_${m}_LIBRARY opencv_${m})
  list(APPEND _libs OpenCVModules_${m}_LIBRARY)
endforeach()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenCVModules REQUIRED_VARS OpenCVModules_INCLUDE_DIR ${_libs})
if(OpenCVModules_FOUND AND NOT TARGET OpenCVModules::OpenCVModules)
  add_library(OpenCVModules::OpenCVModules INTERFACE IMPORTED)
  set(_dirs ${OpenCVModules_INCLUDE_DIR})
  if(OpenCVModules_CONFIG_INCLUDE_DIR)
    list(APPEND _dirs ${OpenCVModules_CONFIG_INCLUDE_DIR})
  endif()
  target_include_directories(OpenCVModules::OpenCVModules INTERFACE ${_dirs})
  target_link_libraries(OpenCVModules::OpenCVModules INTERFACE
    ${OpenCVModules_dnn_LIBRARY} ${OpenCVModules_imgcodecs_LIBRARY} ${OpenCVModules_imgproc_LIBRARY} ${OpenCVModules_core_LIBRARY})
endif()
