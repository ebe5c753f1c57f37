// SPDX-License-Identifier: Apache-2.0
// Carrier for the precompiled LibTorch header shared by all core modules.
