"""Polish sentences of the employer pages: the same keys and placeholders as :data:`messages.EN`."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["PL"]

PL: Mapping[str, str] = {
    # layout
    "service_name": "Weryfikator Plecak",
    "tagline": "Sprawdź europejskie mikropoświadczenie w kilka sekund.",
    "footer": "Plecak weryfikuje poświadczenia W3C Verifiable Credentials i europejskie "
    "mikropoświadczenia. Nic z tego, co sprawdzasz, nie jest nikomu przekazywane.",
    "back_home": "Sprawdź inne poświadczenie",
    "skip": "Przejdź do treści",
    "language": "Język",
    # home
    "home_title": "Sprawdź mikropoświadczenie",
    "home_intro": "Osoba ucząca się może pokazać poświadczenie jako kod QR, link albo plik. "
    "Wybierz, w jakiej postaci je otrzymano.",
    "scan_title": "Zeskanuj kod QR",
    "scan_intro": "Skieruj aparat telefonu na kod QR pokazany przez osobę uczącą się.",
    "scan_start": "Włącz aparat",
    "scan_stop": "Wyłącz aparat",
    "scan_waiting": "Szukam kodu QR…",
    "scan_unsupported": "Ta przeglądarka nie skanuje kodów QR na żywo. Zrób zdjęcie kodu QR poniżej, "
    "otwórz go aplikacją aparatu w telefonie albo wklej link.",
    "scan_denied": "Nie udało się użyć aparatu. Zezwól na dostęp do aparatu albo wklej link poniżej.",
    "scan_not_link": "Ten kod QR nie zawiera linku.",
    "scan_frame_missing": "Nie dotarł żaden obraz z aparatu. Włącz aparat jeszcze raz.",
    "scan_frame_too_large": "Ten obraz z aparatu jest za duży: najwyżej {limit}.",
    "scan_frame_not_image": "Nie udało się odczytać obrazu z aparatu. Włącz aparat jeszcze raz albo zrób "
    "zdjęcie kodu QR poniżej.",
    "scan_frame_too_many": "Aparat wysłał w krótkim czasie wiele obrazów. Skanowanie na żywo wróci za "
    "{seconds} s; możesz też zrobić zdjęcie kodu QR poniżej.",
    "scan_frame_busy": "Weryfikator odczytuje teraz inne kody QR. Skanowanie na żywo wróci za chwilę.",
    "scan_frame_failed": "Nie udało się wysłać obrazu z aparatu do weryfikatora. Sprawdź połączenie; "
    "skanowanie trwa dalej.",
    "scan_frame_expired": "Skanowanie na żywo zostało przerwane, bo ta strona wygasła. Odśwież stronę "
    "i włącz aparat jeszcze raz.",
    "scan_nojs": "Skanowanie na żywo wymaga JavaScriptu. Zrób zdjęcie kodu QR poniżej, otwórz go "
    "aplikacją aparatu w telefonie albo wklej link.",
    "link_title": "Otwórz link",
    "link_intro": "Wklej link, który przysłała Ci osoba ucząca się (zaczyna się od https://).",
    "link_label": "Link do poświadczenia",
    "link_button": "Sprawdź link",
    "paste_title": "Wklej poświadczenie",
    "paste_intro": "Wklej treść poświadczenia (JSON) wyeksportowaną z portfela osoby uczącej się.",
    "paste_label": "Poświadczenie (JSON)",
    "paste_button": "Sprawdź poświadczenie",
    "upload_title": "Wczytaj plik",
    "upload_intro": "Wybierz plik z poświadczeniem (.json) lub PDF poświadczenia otrzymany od osoby uczącej się. "
    "Najwyżej {limit}.",
    "upload_label": "Plik z poświadczeniem",
    "upload_button": "Sprawdź plik",
    "upload_photo_hint": "Można tu też wczytać zdjęcie lub zrzut ekranu kodu QR osoby uczącej się.",
    "photo_intro": "Brak skanera na żywo? Zrób zdjęcie kodu QR (albo wybierz zrzut ekranu), "
    "a weryfikator je odczyta.",
    "photo_label": "Zdjęcie kodu QR",
    "photo_button": "Odczytaj kod QR",
    "upload_not_accepted": "Weryfikator nie odczyta tego pliku. Przyjmuje plik z poświadczeniem (.json lub "
    ".jsonld), poświadczenie SD-JWT zapisane jako tekst, PDF poświadczenia z portfela "
    "albo obraz kodu QR (PNG, JPEG, GIF, WebP lub BMP; "
    "zdjęcie HEIC z iPhone'a trzeba najpierw zapisać jako JPEG).",
    "upload_no_qr": "Na tym obrazie nie udało się odczytać kodu QR. Zrób zdjęcie jeszcze raz, bliżej, "
    "na wprost i przy dobrym świetle, albo poproś osobę uczącą się o link lub plik.",
    "upload_qr_offer": "Ten kod QR to oferta poświadczenia: służy do odebrania poświadczenia w portfelu "
    "osoby uczącej się, a nie do sprawdzania. Poproś ją o udostępnienie poświadczenia z portfela.",
    "upload_qr_unknown": "Ten kod QR nie zawiera ani linku, ani poświadczenia, więc nie ma czego sprawdzić.",
    "upload_pdf_no_credential": "Do tego pliku PDF nie dołączono poświadczenia, więc nie ma w nim czego "
    "sprawdzić. PDF z portfela osoby uczącej się zawiera poświadczenie (credential.json); w innym PDF zeskanuj "
    "wydrukowany na nim kod QR albo poproś osobę uczącą się o link lub plik.",
    "upload_pdf_unreadable": "Nie można odczytać tego pliku PDF: jest uszkodzony albo to nie jest PDF.",
    "upload_photo_too_large": "Ten obraz jest za duży: najwyżej {limit}.",
    "reason_not_json": "to nie jest poprawny JSON (błąd w wierszu {line}, kolumnie {column})",
    "reason_not_utf8": "tekst nie jest zapisany w UTF-8",
    "reason_too_deep": "tablice i obiekty są zagnieżdżone zbyt głęboko (limit: {depth})",
    "ask_title": "Poproś osobę uczącą się o poświadczenie",
    "ask_intro": "Pokaż kod QR, który osoba ucząca się zeskanuje swoim portfelem; odpowiedź pojawi się "
    "tutaj sama.",
    "ask_any": "Dowolne europejskie mikropoświadczenie",
    "ask_specific": "Konkretne mikropoświadczenie (identyfikator osiągnięcia)",
    "ask_achievement_label": "Identyfikator osiągnięcia (https://…)",
    "ask_trusted_only": "Tylko od wystawcy z mojej listy zaufanych",
    "ask_button": "Utwórz prośbę",
    # result page
    "result_title": "Wynik weryfikacji",
    "verdict_verified": "Zweryfikowano",
    "verdict_verified_text": "Wszystkie sprawdzenia zakończyły się pomyślnie.",
    "verdict_warnings": "Zweryfikowano z ostrzeżeniami",
    "verdict_warnings_text": "Poświadczenie jest autentyczne, ale przeczytaj ostrzeżenia poniżej.",
    "verdict_incomplete": "Nie udało się sprawdzić wszystkiego",
    "verdict_incomplete_text": "Części sprawdzeń nie udało się przeprowadzić, więc w tej chwili nie "
    "można potwierdzić, że to poświadczenie jest ważne.",
    "verdict_failed": "Nieważne",
    "verdict_failed_text": "Nie polegaj na tym poświadczeniu: co najmniej jedno sprawdzenie "
    "zakończyło się niepowodzeniem.",
    "checks_title": "Sprawdzenia",
    "presentation_checks_title": "Prezentacja",
    "credential_checks_title": "Poświadczenie",
    "outcome_passed": "Pozytywnie",
    "outcome_warning": "Ostrzeżenie",
    "outcome_failed": "Negatywnie",
    "outcome_unknown": "Nie sprawdzono",
    "technical_detail": "Szczegóły techniczne (po angielsku)",
    "details_title": "Co zawiera poświadczenie",
    "not_stated": "nie podano",
    "not_shared": "nieudostępnione przez posiadacza",
    "ask_format_legend": "Rodzaj poświadczenia",
    "ask_format_ldp": "Poświadczenie W3C (selektywne ujawnianie z ecdsa-sd-2023: tylko to, co "
    "zaznaczysz poniżej; inne poświadczenia W3C są udostępniane w całości)",
    "ask_format_sd_jwt": "SD-JWT VC (selektywne ujawnianie: tylko to, co zaznaczysz poniżej)",
    "ask_claims_hint": "Tytuł, podmiot przyznający, kraj, data, efekty uczenia się, punkty ECTS, "
    "poziom ERK (EQF), sposób oceniania, forma uczestnictwa i zapewnianie jakości są udostępniane "
    "zawsze. Poproś także o (posiadacz nadal może odmówić; to, czego nie udostępni, zostanie tak "
    "oznaczone):",
    "el_credits_earned": "Uzyskane punkty ECTS",
    "el_grading_scheme": "Skala ocen",
    "no_credentials": "Prezentacja nie zawiera żadnych poświadczeń.",
    "download_report": "Pobierz raport JSON",
    "report_note": "Wynik i raport są dostępne pod tym adresem przez {hours} godz.",
    "checked_at": "Sprawdzono {time} UTC",
    "source_paste": "wklejony tekst",
    "source_upload": "wczytany plik",
    "source_link": "link",
    "source_openid4vp": "odpowiedź na Twoją prośbę",
    "source_label": "Otrzymano jako",
    # check names
    "check_format": "Format",
    "check_proof": "Pieczęć (podpis)",
    "check_issuer": "Zaufanie do wystawcy i akredytacja",
    "check_status": "Unieważnienie i zawieszenie",
    "check_validity": "Okres ważności",
    "check_presentation": "Format prezentacji",
    "check_holder": "Podpis posiadacza",
    "check_replay": "Świeża odpowiedź (nie powtórzona)",
    "check_binding": "Pokazane przez osobę uczącą się",
    "check_request": "Zgodne z prośbą",
    "check_disclosures": "Udostępnione pola zgodne z pieczęcią wystawcy",
    "check_key_binding": "Pokazane przez posiadacza",
    # check sentences
    "check.format.passed": "Poprawnie zbudowane poświadczenie.",
    "check.format.selective": "Poprawnie zbudowane poświadczenie, udostępnione selektywnie: posiadacz "
    "wybrał, które elementy pokazać; to, co widać, jest dokładnie tym, co podpisał wystawca.",
    "check.format.warning": "Niekompletne mikropoświadczenie: brakuje niektórych elementów "
    "obowiązkowych według UE.",
    "check.format.failed": "To nie jest czytelne poświadczenie.",
    "check.proof.passed": "Pieczęć wystawcy jest nienaruszona: od wydania niczego nie zmieniono.",
    "check.proof.failed": "Pieczęć jest naruszona: poświadczenie zmieniono po wydaniu albo nie "
    "opieczętował go jego wystawca.",
    "check.issuer.passed": "Wystawca jest na Twojej liście zaufanych.",
    "check.issuer.warning": "Pieczęć jest ważna, ale wystawcy nie ma na Twojej liście zaufanych.",
    "check.status.passed": "Nie zostało unieważnione ani zawieszone przez wystawcę.",
    "check.status.revoked": "Unieważnione przez wystawcę.",
    "check.status.suspended": "Zawieszone przez wystawcę.",
    "check.status.unknown": "Nie udało się sprawdzić: nie wiadomo, czy wystawca je unieważnił.",
    "check.validity.passed": "W okresie ważności.",
    "check.validity.failed": "Poza okresem ważności.",
    "check.presentation.passed": "Poprawnie zbudowana prezentacja.",
    "check.presentation.warning": "Prezentacja nie zawiera żadnych poświadczeń.",
    "check.presentation.failed": "To nie jest czytelna prezentacja.",
    "check.holder.passed": "Posiadacz podpisał tę prezentację dla Ciebie.",
    "check.holder.warning": "Prezentacja nie jest podpisana, więc nie dowodzi, kto ją pokazuje.",
    "check.holder.failed": "Brak podpisu posiadacza albo podpis nie pasuje do tej prośby.",
    "check.replay.passed": "Ta odpowiedź powstała dla Twojej prośby i została użyta tylko raz.",
    "check.replay.failed": "Ta odpowiedź została już użyta: może to być kopia.",
    "check.binding.passed": "Pokazane przez osobę uczącą się, której wydano poświadczenie.",
    "check.binding.failed": "Pokazane przez kogoś innego niż osobę uczącą się, której je wydano.",
    "check.request.passed": "To poświadczenie takiego rodzaju, o jaki prosisz.",
    "check.request.failed": "To nie jest poświadczenie, o które prosisz.",
    "check.disclosures.passed": "Każde pole udostępnione przez posiadacza jest dokładnie takie, jak "
    "opieczętował je wystawca.",
    "check.disclosures.failed": "Udostępnione pole różni się od tego, co opieczętował wystawca: "
    "zostało zmienione.",
    "check.key_binding.failed": "Pokazuje je ktoś inny niż posiadacz, któremu je wydano, albo nie "
    "jest przeznaczone dla Ciebie.",
    "check.key_binding.warning": "Brak podpisu posiadacza, więc nie wiadomo, kto je pokazuje.",
    # EU elements
    "el_title": "Tytuł",
    "el_kind": "Rodzaj poświadczenia",
    "el_description": "Opis",
    "el_learner": "Osoba ucząca się",
    "el_awarding_body": "Podmiot przyznający",
    "lang_code": "pl",  # country names in this language (plecak.runtime.countries)
    "el_country": "Kraj i region wystawcy",
    "el_issued": "Data wydania",
    "el_valid_until": "Ważne do",
    "el_outcomes": "Efekty uczenia się",
    "el_ects": "Nakład pracy (punkty ECTS)",
    "el_workload_hours": "Nakład pracy w godzinach",
    "el_eqf": "Poziom (ERK/EQF)",
    "el_qf_ehea": "Cykl (QF-EHEA)",
    "el_nqf": "Poziom (krajowa rama kwalifikacji)",
    "el_assessment": "Rodzaj oceniania",
    "el_participation": "Forma uczestnictwa",
    "el_supervision": "Nadzór i weryfikacja tożsamości",
    "el_quality": "Zapewnianie jakości",
    "el_prerequisites": "Wymagania wstępne",
    "el_grade": "Ocena",
    "el_stackability": "Integracja i łączenie",
    "el_part_of": "Część większego poświadczenia",
    "el_skills": "Umiejętności (ESCO)",
    "el_further": "Dodatkowe informacje",
    "el_issuer_id": "Identyfikator wystawcy",
    "el_credential_id": "Identyfikator poświadczenia",
    # stacked certificates
    "composition_title": "Skład: części, na które powołuje się ten certyfikat",
    "composition_rule": "Zasada",
    "part_verified": "Przedstawiona i zweryfikowana (ta sama treść, co w certyfikacie)",
    "part_changed": "Przedstawiona, ale jej treść różni się od tej, na którą powołuje się certyfikat",
    "part_failed": "Przedstawiona z treścią zgodną z certyfikatem, ale teraz nie przechodzi weryfikacji",
    "part_not_presented": "Nieprzedstawiona (poproś osobę uczącą się o jej udostępnienie, aby ją sprawdzić)",
    "kind_microcredential": "Europejskie mikropoświadczenie",
    "does_not_expire": "bezterminowo",
    "hours": "{n} godz.",
    "hours.one": "{n} godzina",
    "hours.few": "{n} godziny",
    "hours.many": "{n} godzin",
    "hours.other": "{n} godziny",
    # enumeration values (Plecak extension context)
    "Online": "online",
    "Onsite": "stacjonarnie",
    "Blended": "hybrydowo (online i stacjonarnie)",
    "Volunteering": "wolontariat",
    "WorkExperience": "doświadczenie zawodowe",
    "ShortCycle": "krótki cykl",
    "FirstCycle": "pierwszy cykl (poziom licencjacki)",
    "SecondCycle": "drugi cykl (poziom magisterski)",
    "ThirdCycle": "trzeci cykl (poziom doktorski)",
    "UnsupervisedNoIdVerification": "bez nadzoru, bez weryfikacji tożsamości",
    "SupervisedNoIdVerification": "pod nadzorem, bez weryfikacji tożsamości",
    "SupervisedOnlineWithIdVerification": "pod nadzorem online, z weryfikacją tożsamości",
    "SupervisedOnsiteWithIdVerification": "pod nadzorem stacjonarnie, z weryfikacją tożsamości",
    "StandAlone": "samodzielne",
    "Stackable": "można łączyć w większe poświadczenie",
    # presentation requests
    "request_title": "Poproś o poświadczenie",
    "request_scan": "Poproś osobę uczącą się o zeskanowanie tego kodu aplikacją portfela.",
    "request_qr_alt": "Kod QR z prośbą o poświadczenie",
    "request_same_device": "Na tym telefonie? Otwórz prośbę w swoim portfelu",
    "request_asked": "Prosisz o",
    "request_expires": "Prośba wygasa o {time} UTC.",
    "request_waiting": "Czekam na odpowiedź osoby uczącej się…",
    "request_nojs": "Bez JavaScriptu ta strona nie odświeża się sama. Odśwież ją, aby sprawdzić, "
    "czy odpowiedź już dotarła.",
    "request_check_now": "Sprawdź, czy jest odpowiedź",
    "request_expired": "Ta prośba wygasła. Utwórz nową.",
    "request_declined": "Portfel osoby uczącej się odrzucił prośbę.",
    "request_new": "Utwórz nową prośbę",
    "request_elements": "Prośba obejmuje też (posiadacz może odmówić)",
    "request_trusted_only": "tylko od wystawcy z Twojej listy zaufanych",
    "request_done_title": "Odpowiedź wysłana",
    "request_done_text": "Odpowiedź Twojego portfela dotarła do weryfikatora. Wynik jest widoczny na "
    "ekranie, na którym utworzono prośbę.",
    # errors
    "error_title": "Coś poszło nie tak",
    "error_bad_json": "Ten tekst nie jest poświadczeniem: {reason}.",
    "error_empty": "Niczego nie wklejono ani nie wczytano.",
    "error_too_large": "To za dużo: poświadczenie może mieć najwyżej {limit}.",
    "error_too_many_checks": "Ten weryfikator rozpoczął ostatnio wiele sprawdzeń z Twojej sieci. "
    "Odczekaj {minutes} min i spróbuj ponownie.",
    "error_link": "Nie udało się sprawdzić linku: {reason}.",
    "error_bad_form": "Nie udało się odczytać formularza. Wróć, odśwież stronę i spróbuj ponownie.",
    "error_form_expired": "Ten formularz wygasł. Wróć, odśwież stronę i spróbuj ponownie.",
    "error_not_found": "Ta strona nie istnieje albo wynik już wygasł.",
    "error_request_unknown": "Ta prośba nie istnieje albo wygasła.",
    # issue 15: werdykty nazywające powód, powiązanie z posiadaczem, treść nieobjęta pieczęcią
    "headline.format": "To nie jest czytelne poświadczenie",
    "headline.format.text": "Nie polegaj na nim: to nie jest poprawnie zbudowane poświadczenie, więc niczego "
    "w nim nie dało się sprawdzić.",
    "headline.presentation": "To nie jest czytelna prezentacja",
    "headline.presentation.text": "Nie polegaj na niej: to nie jest poprawnie zbudowana prezentacja.",
    "headline.altered": "Treść została zmieniona",
    "headline.altered.text": "Nie polegaj na tym poświadczeniu: jego treść nie jest tym, co opieczętował "
    "wystawca. Szczegóły poniżej pokazujemy tylko po to, by było widać, co zmieniono.",
    "headline.forged_issuer": "Nie opieczętował go wskazany wystawca",
    "headline.forged_issuer.text": "Nie polegaj na tym poświadczeniu: wskazuje wystawcę, ale opieczętowano "
    "je "
    "kluczem, którego ten wystawca nie kontroluje. Mógł je wykonać ktokolwiek.",
    "headline.revoked": "Unieważnione przez wystawcę",
    "headline_by_date": "najpóźniej {date}",
    "headline.revoked.text": "Wystawca wycofał to poświadczenie: już się nie liczy.",
    "headline.suspended": "Zawieszone przez wystawcę",
    "headline.suspended.text": "Wystawca zawiesił to poświadczenie: w czasie zawieszenia się nie liczy.",
    "headline.status": "Nieważne",
    "headline.status.text": "Nie polegaj na tym poświadczeniu: jego status unieważnienia jest niepoprawny.",
    "headline.expired": "Wygasło",
    "headline.expired.text": "Okres ważności tego poświadczenia już minął.",
    "headline.not_yet_valid": "Jeszcze nieważne",
    "headline.not_yet_valid.text": "Okres ważności tego poświadczenia jeszcze się nie zaczął.",
    "headline.holder": "Podpis osoby prezentującej jest nieważny",
    "headline.holder.text": "Nie polegaj na tej odpowiedzi: osoba prezentująca nie podpisała prezentacji "
    "dla Twojej prośby.",
    "headline.key_binding": "Nie pokazał go posiadacz",
    "headline.key_binding.text": "Nie polegaj na tej odpowiedzi: nie podpisał jej posiadacz, któremu wydano "
    "poświadczenie, albo nie podpisał jej dla Ciebie.",
    "headline.other_subject": "Pokazane przez kogoś innego",
    "headline.other_subject.text": "Nie polegaj na tej odpowiedzi: poświadczenie wydano innej osobie "
    "uczącej się "
    "niż ta, która je pokazała.",
    "headline.replay": "Ta odpowiedź została już użyta",
    "headline.replay.text": "Nie polegaj na tej odpowiedzi: powstała dla wcześniejszej prośby i może być "
    "kopią.",
    "headline.request": "To nie to, o co prosisz",
    "headline.request.text": "To nie jest poświadczenie, o które prosiła Twoja prośba.",
    "headline.issuer": "Wystawca nieakceptowany",
    "headline.issuer.text": "Nie polegaj na tym poświadczeniu: jego wystawca nie jest akceptowany.",
    "headline.unbound": "Autentyczne, ale niepowiązane z osobą, która je pokazuje",
    "headline.unbound.text": "Pieczęć wystawcy jest nienaruszona, ale nie udało się powiązać osoby "
    "prezentującej z osobą uczącą się, której je wydano: każdy, kto ma kopię, może je pokazać. Sprawdź "
    "tożsamość tej osoby w inny sposób.",
    "headline.bare": "Autentyczne, ale posiadacza nie sprawdzono",
    "headline.bare.text": "Pieczęć wystawcy jest nienaruszona, ale tego poświadczenia nie przedstawił jego "
    "posiadacz: każdy, kto ma ten plik, może je pokazać. Poproś o nie przez prośbę albo sprawdź tożsamość "
    "tej osoby w inny sposób.",
    "check.not_checked_seal": "Nie sprawdzono, bo pieczęć jest naruszona.",
    "check.proof.failed.issuer_not_did": "Pieczęć nie dowodzi, kto je wydał: wskazany wystawca nie jest "
    "identyfikatorem DID, więc każdy mógł je opieczętować w jego imieniu.",
    "check.proof.failed.issuer_key": "Opieczętowane kluczem, którego wskazany wystawca nie kontroluje: nie "
    "opieczętował go jego wystawca.",
    "check.issuer.unconfirmed": "Wystawca jest niepotwierdzony: nic nie wiąże z nim pieczęci, więc Twoja "
    "lista zaufanych nie ma zastosowania.",
    "check.binding.warning.no_subject_id": "Niepowiązane z osobą uczącą się: poświadczenie nie wskazuje "
    "identyfikatora osoby uczącej się, który osoba prezentująca mogłaby udowodnić jako swój, więc każdy, "
    "kto ma kopię, może je pokazać. Sprawdź tożsamość w inny sposób.",
    "check.binding.warning.unsigned": "Niepowiązane z osobą uczącą się: prezentacja nie jest podpisana, więc "
    "nikt nie udowodnił, że jest osobą, której wydano poświadczenie.",
    "check.binding.warning.not_presented": "Posiadacza nie sprawdzono: poświadczenia nie przedstawił jego "
    "posiadacz, więc każdy, kto ma ten plik, może je pokazać.",
    "check.binding.warning.other_subject": "Pokazane przez kogoś innego niż osobę uczącą się, której je "
    "wydano.",
    "check.binding.unknown": "Nie sprawdzono: podpis osoby prezentującej jest nieważny, więc nikogo nie "
    "powiązano z osobą uczącą się.",
    "unverified_title": "Treść niepotwierdzona.",
    "unverified_text": "Pieczęć jest naruszona, więc to jest treść dokumentu, a nie to, co podał wystawca.",
    "not_shared_or_not_stated": "nieudostępnione przez posiadacza albo niewypełnione przez wystawcę",
    "error_title_400": "Nie udało się tego sprawdzić",
    "error_title_403": "Ten formularz wygasł",
    "error_title_404": "Nie znaleziono",
    "error_title_410": "Już niedostępne",
    "error_title_413": "Za duże",
    "error_title_422": "To nie jest poświadczenie",
    "error_title_502": "Nie udało się otworzyć linku",
    "error_title_504": "Link nie odpowiedział",
    "error_link_withdrawn": "Osoba ucząca się wycofała ten link albo wygasł lub został już użyty. Poproś ją "
    "o nowy link.",
    "error_link_missing": "Ten link nie istnieje albo wygasł. Sprawdź, czy skopiowano go w całości, albo "
    "poproś osobę uczącą się o nowy link.",
    "error_link_refused": "Serwer linku odmówił pokazania go (odpowiedział kodem {status}). Poproś osobę "
    "uczącą się o nowy link.",
    "error_link_broken": "Serwer linku nie mógł teraz odpowiedzieć (odpowiedział kodem {status}). Spróbuj "
    "ponownie później.",
}
