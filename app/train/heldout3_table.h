// Held-out paraphrase set 3 of kinema-tiny: two phrases per action plus subjects, connectives
// and tempo words, written on 2026-12-06 in one sitting before any model was evaluated on it
// (four phrases were then replaced because tst_motionlib found recombined training phrases that
// contain them), and not changed after its first evaluation. Sets 1 and 2 had been looked at
// while the training thesaurus grew; this one measures what a user's own words get, so unlike
// sets 1 and 2 a phrase may extend a training phrase ("sits down on a bench"). Training never
// sees it: no phrase is a training phrase and no recombined training phrase contains one.
// Thread: immutable tables; any thread.
#pragma once

#include <vector>

#include "app/train/caption_table.h"

namespace kinema::train {

// In Action enum order.
const std::vector<std::vector<const char*>>& heldout3_phrases();  // 2 per action
const CaptionGlue& heldout3_glue();

}  // namespace kinema::train
