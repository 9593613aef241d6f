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

// Training augmentation for words and word orders no thesaurus has: one random edit of a
// training phrase (its words split at spaces), each kind with probability 1/3:
//  - two adjacent words swapped ("walks sideways right" from "walks right sideways");
//  - an unknown word (outside every vocabulary, encodes as <unk>) inserted anywhere;
//  - the first word (usually the verb) replaced by an unknown word, so the rest of the phrase
//    has to carry the action ("<unk> forward with both feet") - what an unseen verb becomes.
// The phrase is returned unchanged when the edit does not apply (one-word phrases) or when a
// swap yields another action's training phrase or contains a held-out phrase of any set (1-3,
// compared on stems). Always draws the same number of values from rng.
std::string edited_training_phrase(int action_index, const std::string& phrase,
                                   std::mt19937_64& rng);

// The unknown word the augmentations insert (no vocabulary has it).
inline constexpr const char* kUnknownWord = "qxz";

}  // namespace kinema::train
