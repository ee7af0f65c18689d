#pragma once

#include <string_view>

namespace oversight::statutory_returns::internal {

// SSDA903 code lists (DfE children looked after return, 2023-24 guide).

// RNE: S L P T B U.
bool IsReasonForNewEpisode(std::string_view code);
// LS: C1 C2 D1 E1 J1-J3 L1-L3 V2-V4.
bool IsLegalStatus(std::string_view code);
// PLACE: A3-A6 H5 K1 K2 P1-P3 R1-R3 R5 S1 T0-T4 U1-U6 Z1.
bool IsPlacementType(std::string_view code);
// REC: X1, E2-E17 and their lettered variants (E4A E4B E41 E45-E48).
bool IsReasonEpisodeCeased(std::string_view code);

// REC codes meaning the child returned home to parents or relatives: E4A, E4B.
bool IsReturnedHome(std::string_view rec);
// PLACE P1: placed with own parent(s) or other person(s) with parental responsibility.
bool IsPlacedWithParents(std::string_view place);
// PLACE U1, U4: long-term foster placements (the return's closest signal of a long-term match).
bool IsLongTermFostering(std::string_view place);

}  // namespace oversight::statutory_returns::internal
