#include "kbase.h"
