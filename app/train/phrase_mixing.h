// Training augmentation: a new paraphrase of an action recombined from two of its training
// phrases ("jabs" + "... forward with a fist" -> "jabs forward with a fist"), so the text
// encoder learns that any mix of an action's words means that action, not only the thesaurus's
// exact phrasings. Held-out paraphrases are recombinations of this kind; no mix may equal or
// contain one (checked on word stems), nor be another action's training phrase.
// Thread: reads immutable tables; any thread (rng is the caller's).
#pragma once

#include <optional>
#include <random>
#include <string>

namespace kinema::train {

// A prefix (>= 1 word) of one training phrase of `action_index` followed by a suffix of another
// (>= 1 word, not its first: the mix keeps the first phrase's verb and the second's last word,
// "hand", "crouch", "jab"). nullopt when the second phrase has one word, when the mix's side /
// direction words ("left", "both", "back", "forward", ...) differ from the first phrase's, when
// it lost every distinctive word (used by <= 2 actions) the first phrase had, or when it is
// forbidden (see above). Always draws the same number of values from rng.
std::optional<std::string> mixed_training_phrase(int action_index, std::mt19937_64& rng);

}  // namespace kinema::train
