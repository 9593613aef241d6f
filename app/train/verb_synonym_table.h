// WordNet synonyms of the training phrases' verbs (generated table, verb_synonym_table.cpp).
// Thread: immutable table; any thread.
#pragma once

#include <vector>

namespace kinema::train {

struct VerbSynonyms {
    const char* word;                   // a training phrase's first word, third person ("twirls")
    std::vector<const char*> synonyms;  // the same form ("whirls", "spins")
};
const std::vector<VerbSynonyms>& verb_synonym_table();

}  // namespace kinema::train
