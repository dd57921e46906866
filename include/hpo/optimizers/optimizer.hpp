#pragma once
// The optimizer concepts, for code that includes the optimizers' folder: hpo::Optimizer, and the
// optional hpo::ReportsTransfer protocol.

#include "hpo/core/optimizer_concept.hpp"
#include "hpo/core/transfer_reporting.hpp"
