#include "app/train/heldout3_table.h"

namespace kinema::train {

const std::vector<std::vector<const char*>>& heldout3_phrases() {
    static const std::vector<std::vector<const char*>> t = {
        // idle
        {"stays put without moving", "is standing perfectly still"},
        // walk_forward
        {"heads forward on foot", "walks toward the front"},
        // walk_backward
        {"walks back a few steps", "goes backwards step by step"},
        // walk_side_left
        {"side-steps toward the left", "moves to the left with sideways steps"},
        // walk_side_right
        {"side-steps toward the right", "moves to the right with sideways steps"},
        // jog
        {"jogs at a steady tempo", "is out for a jog"},
        // run
        {"runs as fast as they can", "takes off running at full speed"},
        // turn_left
        {"turns ninety degrees to the left", "faces toward the left"},
        // turn_right
        {"turns ninety degrees to the right", "faces toward the right"},
        // jump_in_place
        {"jumps into the air and lands on the same spot", "does a straight jump up"},
        // jump_forward
        {"leaps a long way ahead", "jumps forward as far as possible"},
        // hop
        {"hops on just one leg", "jumps repeatedly on one foot"},
        // wave_left
        {"waves the left hand in greeting", "greets by waving the left arm"},
        // wave_right
        {"waves the right hand in greeting", "greets by waving the right arm"},
        // wave_both
        {"waves both arms in greeting", "waves enthusiastically with both hands"},
        // raise_arms
        {"lifts the arms high above the head", "raises both arms to the sky"},
        // clap
        {"claps the hands a few times", "applauds loudly"},
        // squat
        {"squats down low and comes back up", "does a bodyweight squat"},
        // kick_left
        {"kicks the left leg out in front", "performs a kick with the left leg"},
        // kick_right
        {"kicks the right leg out in front", "performs a kick with the right leg"},
        // punch
        {"punches straight forward with the fist", "throws a hard punch"},
        // bow
        {"bows to the crowd", "bends forward at the waist to bow"},
        // sit_down
        {"sits down on a bench", "settles into a chair"},
        // stand_up
        {"gets up off the couch", "stands up from a seated position"},
        // spin
        {"does a full three-sixty spin", "turns in a complete circle"},
        // jumping_jacks
        {"does some jumping jacks", "jumps spreading arms and legs"},
        // crouch_walk
        {"walks forward crouched low", "sneaks forward bent over"},
    };
    return t;
}

const CaptionGlue& heldout3_glue() {
    static const CaptionGlue g = {{"a teenager", "the soldier", "an old man", "a young woman"},
                                  {", and when done, ", " and subsequently "},
                                  {" without hurrying"},
                                  {" at high speed"}};
    return g;
}

}  // namespace kinema::train
