#include "ssda903_codes.h"

#include <algorithm>
#include <array>

namespace oversight::statutory_returns::internal {
namespace {

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

constexpr std::array<std::string_view, 6> kRne = {"S", "L", "P", "T", "B", "U"};
constexpr std::array<std::string_view, 13> kLegalStatus = {"C1", "C2", "D1", "E1", "J1", "J2", "J3",
                                                           "L1", "L2", "L3", "V2", "V3", "V4"};
constexpr std::array<std::string_view, 27> kPlace = {
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
    "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"};
constexpr std::array<std::string_view, 22> kRec = {
    "X1", "E2", "E3", "E4A", "E4B", "E41", "E45", "E46", "E47", "E48", "E5",
    "E6", "E7", "E8", "E9",  "E11", "E12", "E13", "E14", "E15", "E16", "E17"};

}  // namespace

bool IsReasonForNewEpisode(std::string_view code) {
  return In(kRne, code);
}
bool IsLegalStatus(std::string_view code) {
  return In(kLegalStatus, code);
}
bool IsPlacementType(std::string_view code) {
  return In(kPlace, code);
}
bool IsReasonEpisodeCeased(std::string_view code) {
  return In(kRec, code);
}
bool IsReturnedHome(std::string_view rec) {
  return rec == "E4A" || rec == "E4B";
}
bool IsPlacedWithParents(std::string_view place) {
  return place == "P1";
}
bool IsLongTermFostering(std::string_view place) {
  return place == "U1" || place == "U4";
}

}  // namespace oversight::statutory_returns::internal
