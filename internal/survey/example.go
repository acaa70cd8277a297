package survey

// exampleDefinition fills the new questionnaire form: a small definition
// showing the format (docs/survey.md describes every field).
const exampleDefinition = `{
  "intro": {"pl": "Ankieta zajmie 3 minuty.", "en": "The survey takes 3 minutes.", "uk": "Опитування займе 3 хвилини."},
  "sections": [
    {"title": {"pl": "Wizyta", "en": "Your visit", "uk": "Візит"}, "pages": [
      {"questions": [
        {"key": "channel", "kind": "single", "required": true,
         "text": {"pl": "Jak załatwiano sprawę?", "en": "How was your matter handled?", "uk": "Як вирішували справу?"},
         "options": [
           {"code": 1, "text": {"pl": "osobiście", "en": "in person", "uk": "особисто"}},
           {"code": 2, "text": {"pl": "przez internet", "en": "online", "uk": "онлайн"}}]},
        {"key": "nps", "kind": "nps", "required": true,
         "text": {"pl": "Czy poleciłbyś urząd znajomym?", "en": "Would you recommend the office to a friend?", "uk": "Чи порадили б ви установу знайомим?"}}
      ]}
    ]}
  ]
}`
