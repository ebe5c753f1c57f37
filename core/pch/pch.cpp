// Carrier for the precompiled LibTorch header shared by all core modules.
