// Held-out paraphrase set 4 of kinema-tiny: two phrases per action plus subjects, connectives
// and tempo words, written on 2026-12-06 in one sitting, before any model was evaluated on it and
// while the first model trained with WordNet verb synonyms was still training (set 3 had been
// read by then: its unknown words were listed together with sets 1 and 2's while that recipe was
// designed). Phrases that tst_motionlib found reachable by training (a training phrase, a
// recombined or synonym-substituted one containing it) were replaced before the first
// evaluation; nothing was changed after it. Like set 3 a phrase may extend a training phrase.
// Thread: immutable tables; any thread.
#pragma once

#include <vector>

#include "app/train/caption_table.h"

namespace kinema::train {

// In Action enum order.
const std::vector<std::vector<const char*>>& heldout4_phrases();  // 2 per action
const CaptionGlue& heldout4_glue();

}  // namespace kinema::train
