// Text clean-up in front of CLIP's BPE, in the two flavours HF ships.
#pragma once

#include <string>
#include <string_view>

namespace kinema::text {

class ClipNormalizer {
public:
    // HF's slow CLIPTokenizer when ftfy is not installed (HY-Motion's environment): BasicTokenizer(
    // strip_accents=False, do_split_on_punc=False).tokenize() joined by single spaces:
    //   - drop U+0000, U+FFFD and every category C* character except \t \n \r;
    //   - \t \n \r and Zs characters become spaces; CJK ideographs get a space on each side;
    //   - NFC; split on whitespace (Python str.split); Python str.lower() of each word (full
    //     mapping, so U+0130 -> "i\u0307", and final-sigma); join with " ".
    // Input: valid UTF-8. Output has no leading/trailing space and no double spaces.
    static std::string slow_basic_clean(std::string_view valid_utf8);

    // HF's fast CLIPTokenizerFast normalizer: NFC, each run of White_Space -> " ", then
    // per-character full lower-casing (no final-sigma rule). Input: valid UTF-8.
    static std::string fast_normalize(std::string_view valid_utf8);

    // BasicTokenizer._is_chinese_char: the CJK Unified/Compatibility Ideograph blocks.
    static bool is_cjk_ideograph(char32_t cp);
};

}  // namespace kinema::text
