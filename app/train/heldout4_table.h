// Held-out paraphrase set 4 of kinema-tiny: two phrases per action plus subjects, connectives
// and tempo words, written on 2026-12-06 in one sitting before any model was evaluated on it
// (set 3 had been read by then while a training change was designed, so it was no longer blind).
// Phrases that tst_blind_heldout_sets found reachable by training (a training phrase, or a
// recombined or WordNet-synonym training phrase of the experiment of commit 0dd16f1 that contains
// it) were replaced before the first evaluation; nothing was changed after it. Like set 3 a
// phrase may extend a training phrase.
// Thread: immutable tables; any thread.
#pragma once

#include <vector>

#include "app/train/caption_table.h"

namespace kinema::train {

// In Action enum order.
const std::vector<std::vector<const char*>>& heldout4_phrases();  // 2 per action
const CaptionGlue& heldout4_glue();

}  // namespace kinema::train
