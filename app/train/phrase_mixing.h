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

// `phrase` (of action `action_index`) with its first word replaced by one of its WordNet
// synonyms (verb_synonym_table.h), so that verbs the thesaurus lacks ("whirls", "springs") are
// learned in their action's context. Only synonyms whose stem no other action's training phrase
// uses are eligible; nullopt when the first word has none, or when the result is another action's
// training phrase or contains a held-out phrase of sets 1-3 (stems). Draws one value from rng
// when the word has eligible synonyms, none otherwise.
std::optional<std::string> synonym_training_phrase(int action_index, const std::string& phrase,
                                                   std::mt19937_64& rng);

}  // namespace kinema::train
