#include "app/train/heldout4_table.h"

namespace kinema::train {

const std::vector<std::vector<const char*>>& heldout4_phrases() {
    static const std::vector<std::vector<const char*>> t = {
        // idle
        {"stands without moving a muscle", "holds still for a moment"},
        // walk_forward
        {"walks forward normally", "walks across the room"},
        // walk_backward
        {"steps back carefully", "moves backwards one step at a time"},
        // walk_side_left
        {"slides over to the left side", "takes side steps to the left"},
        // walk_side_right
        {"slides over to the right side", "takes side steps to the right"},
        // jog
        {"jogs in a relaxed way", "runs at a jogging pace"},
        // run
        {"goes running at full tilt", "breaks into a fast run"},
        // turn_left
        {"changes direction to face the left", "does a quarter turn to the left"},
        // turn_right
        {"changes direction to face the right", "does a quarter turn to the right"},
        // jump_in_place
        {"jumps straight up in the air", "jumps once without going anywhere"},
        // jump_forward
        {"jumps ahead with both feet", "does a long jump forward"},
        // hop
        {"hops with one foot off the ground", "bounces on one leg"},
        // wave_left
        {"lifts the left hand and waves it", "waves hello using the left hand"},
        // wave_right
        {"lifts the right hand and waves it", "waves hello using the right hand"},
        // wave_both
        {"waves both hands high over the head", "waves wildly with both arms"},
        // raise_arms
        {"stretches the arms up toward the ceiling", "holds both arms up high"},
        // clap
        {"claps along enthusiastically", "starts clapping the hands"},
        // squat
        {"does a deep knee bend", "goes down into a squat position"},
        // kick_left
        {"does a forward kick using the left foot", "swings the left leg into a kick"},
        // kick_right
        {"does a forward kick using the right foot", "swings the right leg into a kick"},
        // punch
        {"throws a punch forward", "punches into the air"},
        // bow
        {"takes a deep bow", "bows the head and upper body"},
        // sit_down
        {"sits down on a stool", "sits down in an armchair"},
        // stand_up
        {"gets back on the feet from the chair", "stands back up after sitting"},
        // spin
        {"spins a full circle on one spot", "turns all the way round"},
        // jumping_jacks
        {"does jumping jack exercises", "does a few star jumps"},
        // crouch_walk
        {"moves ahead in a crouched position", "moves forward while crouching"},
    };
    return t;
}

const CaptionGlue& heldout4_glue() {
    static const CaptionGlue g = {{"a ballerina", "the boxer", "an elderly person", "a little boy"},
                                  {"; after this, ", " and right after that "},
                                  {" in slow motion"},
                                  {" really quickly"}};
    return g;
}

}  // namespace kinema::train
