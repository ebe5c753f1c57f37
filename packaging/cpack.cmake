# SPDX-License-Identifier: Apache-2.0
# `cpack -G DEB` in the build folder makes pareto-studio_<version>_<arch>.deb: the two
# programs, the demo under share/pareto-studio, and the desktop files of packaging/.
set(CPACK_PACKAGE_NAME "pareto-studio")
set(CPACK_PACKAGE_VENDOR "Pareto Studio")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Interactive neural-network compression explorer")
set(CPACK_PACKAGE_DESCRIPTION
    "Pareto Studio opens an image autoencoder or VAE checkpoint and lets you change the weight bit-width and the latent size while it shows reconstructions, held-out quality with 95 % confidence intervals, size against error and the Pareto front; it exports validated deployment packages for NVIDIA Jetson. Includes the pareto command-line program and a trained demo model.")
set(CPACK_PACKAGE_CONTACT "pareto-studio@localhost")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://paretostudio.org/")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR "TGZ;DEB")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Libraries the programs link come from dpkg-shlibdeps; these two are chosen or loaded at
# run time instead: the threaded OpenBLAS that LibTorch's libblas.so.3 should resolve to
# (the reference BLAS would satisfy shlibdeps alone), and Qt's platform plugins.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core")
include(CPack)
