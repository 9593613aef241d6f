// The words of kinema-tiny's captions: per action, the training verb phrases (a thesaurus of
// ways to say it, followed by the second thesaurus of thesaurus_extension_table.h), and two
// disjoint held-out paraphrase sets that training never sees:
// set 1 (written with the first model) and set 2 (written later, after set 1 had been looked
// at, so that a fresh set measures generalisation too). tst_motionlib checks that no held-out
// phrase, subject or connective is also a training one. (Set 3 is in heldout3_table.h.)
// Thread: immutable tables; any thread.
#pragma once

#include <vector>

namespace kinema::train {

struct ActionText {
    const char* name;
    std::vector<const char*> train;      // third-person verb phrases (both thesauri)
    std::vector<const char*> held_out;   // set 1, never used for training
    std::vector<const char*> held_out2;  // set 2, never used for training
    bool sequenceable;
    bool counted;  // count modifiers ("twice") make sense
    bool paced;    // speed modifiers ("slowly") make sense
};

// In Action enum order.
const std::vector<ActionText>& caption_table();

struct CaptionGlue {
    std::vector<const char*> subjects;     // "" = no subject ("walks forward")
    std::vector<const char*> connectives;  // between the parts of a sequence
    std::vector<const char*> slow, fast;   // tempo modifiers appended to paced phrases
};
const CaptionGlue& train_glue();
const CaptionGlue& heldout_glue();   // set 1
const CaptionGlue& heldout2_glue();  // set 2

}  // namespace kinema::train
