/*
 * rstrings.h - every string of the report (PDF and HTML) in one table, Dutch
 * and English (report stage).
 *
 * Keys are enum constants made from one X-macro list, so a string cannot be
 * missing in one language.  Strings with printf conversions take the same
 * arguments in the same order in both languages.
 */
#ifndef WIJKSCAN_RSTRINGS_H
#define WIJKSCAN_RSTRINGS_H

#include <stdbool.h>

/* X(KEY, nl, en) */
#define WS_RSTRINGS(X)                                                                             \
    X(SUPPRESSED, "geheim", "suppressed")                                                          \
    X(NODATA, "geen data", "no data")                                                              \
    X(REPORT, "Wijkanalyse", "Neighbourhood analysis")                                             \
    X(GEMEENTE, "gemeente", "municipality")                                                        \
    X(YEARS, "Jaren", "Years")                                                                     \
    X(PERIODS, "%s (ook per %d jaar samen: %s; per 1.000 inwoners per jaar)",                      \
      "%s (also pooled per %d years: %s; per 1,000 residents per year)")                           \
    X(MADE_ON, "Gemaakt op %s met wijkscan", "Made on %s with wijkscan")                           \
    X(SOURCE, "Bron", "Source")                                                                    \
    X(SYNTHETIC_NOTICE,                                                                            \
      "Let op: de casussen in dit rapport zijn synthetisch (verzonnen demonstratiegegevens). "     \
      "De cijfers zeggen niets over de werkelijke jeugdhulp in deze wijken.",                      \
      "Note: the cases in this report are synthetic (made-up demonstration data). The figures "    \
      "say nothing about actual youth care in these neighbourhoods.")                              \
    X(PRIVACY_NOTICE,                                                                              \
      "Kleine aantallen zijn beschermd: waar minder dan %ld casussen zijn, staat \"geheim\"; "     \
      "getoonde aantallen zijn afgerond op %ld.",                                                  \
      "Small counts are protected: where there are fewer than %ld cases the figure reads "         \
      "\"suppressed\"; counts shown are rounded to %ld.")                                          \
    X(CAVEAT,                                                                                      \
      "Een verschil met de verwachte waarde is een aanleiding voor een vraag, geen oordeel over "  \
      "beleid of over de mensen die er wonen of werken.",                                          \
      "A difference from the expected value prompts a question; it is not a verdict on policy "    \
      "or on the people who live or work there.")                                                  \
    X(CONTENTS, "Inhoud", "Contents")                                                              \
    X(PAGE, "Pagina %d", "Page %d")                                                                \
    X(OVERVIEW, "Overzicht van de gemeente", "Overview of the municipality")                       \
    X(KEY_FIGURES, "Kerncijfers %d", "Key figures %d")                                             \
    X(MAPS, "Kaarten", "Maps")                                                                     \
    X(PRIORITIES, "Prioriteitenlijst", "Priority list")                                            \
    X(NO_PRIORITIES, "Er is (nog) geen prioriteitenlijst in de resultaten.",                       \
      "The results hold no priority list (yet).")                                                  \
    X(REVIEW, "Jaarlijkse preventiereview", "Annual prevention review")                            \
    X(WIJKEN, "Wijken", "Districts")                                                               \
    X(ABOUT, "Verantwoording", "About this report")                                                \
    X(COL_AREA, "Gebied", "Area")                                                                  \
    X(COL_POP, "Jeugdigen", "Youth population")                                                    \
    X(COL_CASES, "Casussen", "Cases")                                                              \
    X(COL_RATE, "Per 1.000 (95%-int.)", "Per 1,000 (95% int.)")                                    \
    X(COL_RATIO, "T.o.v. gemiddelde", "Ratio to average")                                          \
    X(COL_OE, "Waargenomen / verwacht (95%-int.)", "Observed / expected (95% int.)")               \
    X(COL_TREND, "Trend t.o.v. vorig jaar", "Trend on last year")                                  \
    X(COL_RANK, "Rang", "Rank")                                                                    \
    X(COL_BUURT, "Buurt", "Neighbourhood")                                                         \
    X(COL_WIJK, "Wijk", "District")                                                                \
    X(COL_REASONS, "Redenen", "Reasons")                                                           \
    X(COL_CHANGE, "Verandering", "Change")                                                         \
    X(COL_SIGNIF, "Significant", "Significant")                                                    \
    X(YES, "ja", "yes")                                                                            \
    X(NO, "nee", "no")                                                                             \
    X(SIGNIF_NOTE, "* statistisch significant (p < 0,05)",                                         \
      "* statistically significant (p < 0.05)")                                                    \
    X(KV_POP, "Jeugdigen (populatie)", "Youth population")                                         \
    X(KV_CASES, "Casussen (afgerond)", "Cases (rounded)")                                          \
    X(KV_RATE, "Per 1.000 jeugdigen", "Per 1,000 young people")                                    \
    X(KV_TREND, "Verandering t.o.v. %d", "Change on %d")                                           \
    X(KV_AREAS, "Wijken / gebieden / buurten", "Districts / areas / neighbourhoods")               \
    X(KV_SUPPRESSED, "Buurten met geheime cijfers (%d)",                                           \
      "Neighbourhoods with suppressed figures (%d)")                                               \
    X(KV_GEBIED_SUPPRESSED, "Gebieden met geheime cijfers (%d)",                                   \
      "Areas with suppressed figures (%d)")                                                        \
    X(ROW_GEBIED, "Gebied %s", "Area %s")                                                          \
    X(GEBIED_NOTICE,                                                                               \
      "Gebieden: groepen van aangrenzende buurten binnen een wijk die samen minstens %ld "         \
      "casussen hebben (alle vraagtypen, laatste jaar); zo veel mogelijk gebieden, met buurten "   \
      "die op elkaar lijken. Zo blijven de cijfers zichtbaar waar een losse buurt te klein is. "   \
      "Een buurt met genoeg casussen is meestal een gebied op zichzelf.",                          \
      "Areas: groups of adjacent neighbourhoods within one district that together hold at least "  \
      "%ld cases (all categories, latest year); as many areas as possible, of neighbourhoods "     \
      "that are alike. So the figures stay visible where a single neighbourhood is too small. A "  \
      "neighbourhood with enough cases is usually an area of its own.")                            \
    X(REASON_NEED, "hoog verwacht door profiel", "high expected need given the profile")           \
    X(REASON_DEMAND, "veel vraag", "high demand")                                                  \
    X(REASON_RISING, "stijgend", "rising")                                                         \
    X(REASON_FALLING, "dalend", "falling")                                                         \
    X(REASON_CLUSTER, "deel van een cluster", "part of a cluster")                                 \
    X(MAP_OF_WIJK, "Kaart van de buurten", "Map of the neighbourhoods")                            \
    X(MAP_OF_WIJK_GEBIED, "Kaart van de gebieden (groepen buurten)",                               \
      "Map of the areas (groups of neighbourhoods)")                                               \
    X(TABLE_OF_WIJK, "Kerncijfers %d: wijk, gebieden en buurten tegen de gemeente",                \
      "Key figures %d: district, areas and neighbourhoods against the municipality")               \
    X(TREND_CHART, "Casussen per 1.000 jeugdigen per jaar (band: 95%-interval)",                   \
      "Cases per 1,000 young people by year (band: 95% interval)")                                 \
    X(PROFILE_CHART, "Profiel naar vraagtype %d: per 1.000 jeugdigen",                             \
      "Profile by category %d: per 1,000 young people")                                            \
    X(AXIS_RATE, "per 1.000", "per 1,000")                                                         \
    X(LEGEND_REF, "gemeente", "municipality")                                                      \
    X(WHAT_FIGURES_SAY, "Wat de cijfers zeggen", "What the figures say")                           \
    X(CLUSTERS, "Clusterstatus", "Cluster status")                                                 \
    X(GROUPS, "Suggesties voor groepsaanbod", "Group offer suggestions")                           \
    X(NO_GROUPS, "Geen suggesties voor groepsaanbod in deze wijk.",                                \
      "No group offer suggestions in this district.")                                              \
    X(GROUP_ITEM, "%s (%s): %s buurten, casussen: %s, locatie %s%s",                               \
      "%s (%s): %s neighbourhoods, cases: %s, location %s%s")                                      \
    X(GROUP_SUGGESTED, " — aanbevolen", " — suggested")                                            \
    X(GROUPS_BY_LOCATION,                                                                          \
      "Het groepsaanbod is per locatie gepland, niet per wijk: zie het overzicht "                 \
      "\"Groepsaanbod\".",                                                                         \
      "Group offers are planned per location, not per district: see the overview \"Group "         \
      "offers\".")                                                                                 \
    X(GROUPS_ALL, "Groepsaanbod", "Group offers")                                                  \
    X(NO_GROUPS_ALL, "De resultaten bevatten geen groepsaanbod.",                                  \
      "The results hold no group offers.")                                                         \
    X(GROUPS_NOTE,                                                                                 \
      "Casussen: het afgeronde totaal van het verzorgingsgebied over de genoemde jaren; geheim "   \
      "waar het te klein is om te publiceren. Aanbevolen: genoeg vraag voor een groep.",           \
      "Cases: the rounded total of the catchment over the years shown; suppressed where it is "    \
      "too small to publish. Suggested: enough demand for a group.")                               \
    X(COL_CATEGORY, "Vraagtype", "Category")                                                       \
    X(COL_CATCHMENT, "Gebied of locatie", "Catchment or location")                                 \
    X(COL_N_BUURTEN, "Buurten", "Neighbourhoods")                                                  \
    X(COL_SUGGEST, "Aanbevolen", "Suggested")                                                      \
    X(RECOGNISE, "Herken je dit?", "Do you recognise this?")                                       \
    X(CL_HH, "hotspot (hoog omringd door hoog)", "hotspot (high surrounded by high)")              \
    X(CL_LL, "koude plek (laag omringd door laag)", "cold spot (low surrounded by low)")           \
    X(CL_HL, "uitschieter (hoog tussen laag)", "outlier (high among low)")                         \
    X(CL_LH, "uitschieter (laag tussen hoog)", "outlier (low among high)")                         \
    X(CL_LINE, "%s: %s.", "%s: %s.")                                                               \
    X(CL_NONE, "Geen van de buurten ligt in %d in een significant cluster.",                       \
      "None of the neighbourhoods is part of a significant cluster in %d.")                        \
    X(CL_SUPP, "Van %d buurten is de clusterstatus geheim of onbekend.",                           \
      "The cluster status of %d neighbourhoods is suppressed or unknown.")                         \
    X(TXT_FIGURES,                                                                                 \
      "In %d woonden in %s %s jeugdigen. Er waren %s casussen: %s per 1.000 jeugdigen "            \
      "(95%%-interval %s–%s), tegen %s in de hele gemeente; dat is %s keer het gemiddelde.",       \
      "In %d, %s had %s young people and %s cases: %s per 1,000 young people (95%% interval "      \
      "%s–%s), against %s in the whole municipality; that is %s times the average.")               \
    X(TXT_FIGURES_GEM,                                                                             \
      "In %d woonden in %s %s jeugdigen. Er waren %s casussen: %s per 1.000 jeugdigen "            \
      "(95%%-interval %s–%s).",                                                                    \
      "In %d, %s had %s young people and %s cases: %s per 1,000 young people (95%% interval "      \
      "%s–%s).")                                                                                   \
    X(TXT_SUPPRESSED,                                                                              \
      "De cijfers van %s over %d zijn geheim: het aantal casussen is te klein om te publiceren.",  \
      "The figures of %s for %d are suppressed: the number of cases is too small to publish.")     \
    X(TXT_EXPECTED,                                                                                \
      "Gegeven het profiel van de buurten (%s) werden %s casussen verwacht; waargenomen gedeeld "  \
      "door verwacht is %s (95%%-interval %s–%s). ",                                               \
      "Given the neighbourhoods' profile (%s) %s cases were expected; observed divided by "        \
      "expected is %s (95%% interval %s–%s). ")                                                    \
    X(TXT_NO_PROFILE, "geen covariaten: het gemiddelde van de studie",                             \
      "no covariates: the study average")                                                          \
    X(TXT_OE_HIGH, "Dat is duidelijk meer dan verwacht.", "That is clearly more than expected.")   \
    X(TXT_OE_LOW, "Dat is duidelijk minder dan verwacht.", "That is clearly less than expected.")  \
    X(TXT_OE_SAME, "Het verschil valt binnen de toevalsmarge.",                                    \
      "The difference is within the margin of chance.")                                            \
    X(TXT_TREND, "Ten opzichte van %d %s het aantal casussen per 1.000 met %s%%; %s (p = %s).",    \
      "Compared with %d the number of cases per 1,000 %s by %s%%; %s (p = %s).")                   \
    X(TXT_TREND_FLAT,                                                                              \
      "Ten opzichte van %d bleef het aantal casussen per 1.000 vrijwel gelijk (p = %s).",          \
      "Compared with %d the number of cases per 1,000 stayed about the same (p = %s).")            \
    X(TXT_ROSE, "steeg", "rose")                                                                   \
    X(TXT_FELL, "daalde", "fell")                                                                  \
    X(TXT_SIGNIF, "dat is statistisch significant", "that is statistically significant")           \
    X(TXT_CHANCE, "dat kan toeval zijn", "that may be chance")                                     \
    X(TXT_TREND_SUPP, "De verandering ten opzichte van %d is geheim.",                             \
      "The change since %d is suppressed.")                                                        \
    X(TXT_BUURTEN_SUPP, "Van %d van de %d buurten zijn de cijfers over %d geheim.",                \
      "The figures of %d of the %d neighbourhoods for %d are suppressed.")                         \
    X(Q_HIGH,                                                                                      \
      "In %s zijn meer casussen dan je bij dit profiel zou verwachten. Herken je dat? Wat speelt " \
      "er dat de cijfers niet laten zien?",                                                        \
      "%s has more cases than its profile would suggest. Do you recognise that? What is going "    \
      "on that the figures do not show?")                                                          \
    X(Q_LOW,                                                                                       \
      "In %s zijn minder casussen dan verwacht. Gaat het hier goed, of vinden gezinnen de weg "    \
      "naar hulp minder makkelijk?",                                                               \
      "%s has fewer cases than expected. Are things going well, or do families find their way "    \
      "to help less easily?")                                                                      \
    X(Q_RISE, "Het aantal casussen per 1.000 steeg sinds %d. Zie je die stijging ook in je werk?", \
      "Cases per 1,000 rose since %d. Do you see that rise in your work too?")                     \
    X(Q_FALL, "Het aantal casussen per 1.000 daalde sinds %d. Wat is er veranderd?",               \
      "Cases per 1,000 fell since %d. What has changed?")                                          \
    X(Q_TOPCAT, "De hoogste ratio per 1.000 is er bij \"%s\". Past dat bij wat je ziet?",          \
      "The highest rate per 1,000 is for \"%s\". Does that match what you see?")                   \
    X(Q_CLUSTER, "%s ligt in een cluster met de buren. Wat delen deze buurten?",                   \
      "%s is part of a cluster with its neighbours. What do these neighbourhoods share?")          \
    X(Q_SUPP,                                                                                      \
      "Van %d buurten zijn de cijfers geheim. Wat weet jij over deze buurten dat de tabel niet "   \
      "kan laten zien?",                                                                           \
      "The figures of %d neighbourhoods are suppressed. What do you know about them that the "     \
      "table cannot show?")                                                                        \
    X(Q_ALWAYS, "Welke voorzieningen, netwerken of plannen in %s missen in dit beeld?",            \
      "Which services, networks or plans in %s are missing from this picture?")                    \
    X(RV_GEMEENTE, "Gemeente %s: %s", "Municipality %s: %s")                                       \
    X(RV_WIJK, "wijk", "district")                                                                 \
    X(RV_TABLE, "Verandering per wijk, %d tegen %d", "Change per district, %d against %d")         \
    X(RV_RISES, "Grootste significante stijgingen", "Largest significant rises")                   \
    X(RV_FALLS, "Grootste significante dalingen", "Largest significant falls")                     \
    X(RV_NONE, "Geen (p < 0,05).", "None (p < 0.05).")                                             \
    X(RV_ITEM, "%s (%s): %s%% (p = %s)", "%s (%s): %s%% (p = %s)")                                 \
    X(RV_PRIO, "Veranderingen in de prioriteitenlijst, %d tegen %d",                               \
      "Changes in the priority list, %d against %d")                                               \
    X(RV_PRIO_NEW, "Nieuw op de lijst: %s.", "New on the list: %s.")                               \
    X(RV_PRIO_GONE, "Van de lijst af: %s.", "Off the list: %s.")                                   \
    X(RV_PRIO_SAME, "Geen buurten erbij of eraf.", "No neighbourhoods joined or left.")            \
    X(RV_PRIO_NONE,                                                                                \
      "Niet beschikbaar: de resultaten hebben geen prioriteitenlijst over twee jaar.",             \
      "Not available: the results hold no priority list over two years.")                          \
    X(RV_ONE_YEAR, "Niet beschikbaar: de resultaten beslaan één jaar.",                            \
      "Not available: the results cover one year.")                                                \
    X(MANIFEST, "Herkomst (manifest)", "Provenance (manifest)")                                    \
    X(METHOD,                                                                                      \
      "Per 1.000: casussen per 1.000 jeugdigen met een exact Poisson-interval. Verwacht: een "     \
      "Poisson-model op het profiel van de buurten. Trend: dit jaar tegen vorig jaar "             \
      "(conditionele binomiale toets). Clusters: lokale Moran (LISA) op de gesmoothe ratio, met "  \
      "correctie voor meervoudig toetsen.",                                                        \
      "Per 1,000: cases per 1,000 young people with an exact Poisson interval. Expected: a "       \
      "Poisson model on the neighbourhoods' profile. Trend: this year against last year "          \
      "(conditional binomial test). Clusters: local Moran (LISA) on the smoothed rate, corrected " \
      "for multiple testing.")

enum ws_rstring {
#define WS_RS_ENUM(key, nl, en) WS_RS_##key,
    WS_RSTRINGS(WS_RS_ENUM)
#undef WS_RS_ENUM
        WS_RS_N_
};

/* The string for key in English (en) or Dutch; static. */
const char *ws_rs(enum ws_rstring key, bool en);

#endif
