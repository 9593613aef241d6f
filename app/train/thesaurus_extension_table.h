// The second thesaurus of kinema-tiny's training phrases (data version kinema-motionlib-5):
// 2026-12-06, written by a writer who had read only the first thesaurus's training phrases and a
// description of each action - none of the held-out sets - so that held-out sets 1-4 still
// measure phrasings training never chose to cover. caption_table() appends these to each
// action's training phrases. Phrases that contain a held-out phrase of any set (compared on
// stems), or from which a held-out set-1/2 phrase extends, were dropped before any training.
// Thread: immutable tables; any thread.
#pragma once

#include <vector>

namespace kinema::train {

// In Action enum order.
const std::vector<std::vector<const char*>>& thesaurus_extension_phrases();

}  // namespace kinema::train
