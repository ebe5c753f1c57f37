#include "latent/latentmodelprovider.h"

// The interface's moc output lives with this translation unit.
