#!/bin/bash
# load_unload.sh against the C IPVS: checks the test itself and the reference.
IPVS_IMPL=c exec bash "$(dirname "$0")/load_unload.sh"
