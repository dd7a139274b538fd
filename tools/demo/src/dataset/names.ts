/**
 * Word lists for people and companies. Some names carry accents and apostrophes on purpose:
 * they must survive e-mail derivation, Postgres, Avro and the terminal.
 */
export const FIRST_NAMES = [
  'Ada', 'Adrian', 'Aisha', 'Alex', 'Amara', 'Ana', 'Andrés', 'Anika', 'Arjun', 'Astrid',
  'Ben', 'Bianca', 'Carlos', 'Chen', 'Chloé', 'Claire', 'Dana', 'Daniel', 'David', 'Diego',
  'Elena', 'Elif', 'Emma', 'Ethan', 'Fatima', 'Felix', 'Grace', 'Hana', 'Hugo', 'Ines',
  'Isaac', 'Jamal', 'Jonas', 'José', 'Julia', 'Kai', 'Kenji', 'Laura', 'Léa', 'Leila',
  'Liam', 'Lucas', 'Maya', 'Mei', 'Mia', 'Mohammed', 'Nadia', 'Noah', 'Nora', 'Olga',
  'Omar', 'Pablo', 'Priya', 'Rafael', 'Rania', 'Ravi', 'Rosa', 'Sam', 'Sara', 'Sofia',
  'Søren', 'Tariq', 'Theo', 'Tomás', 'Uma', 'Valentina', 'Victor', 'Wei', 'Yara', 'Yuki',
  'Zanele', 'Zoë',
] as const;

export const LAST_NAMES = [
  'Abe', 'Adeyemi', 'Alvarez', 'Andersen', 'Bauer', 'Bianchi', 'Brown', 'Chen', 'Cohen',
  'Costa', 'Dubois', 'Dias', 'Eriksson', 'Fischer', 'García', 'Goldberg', 'Gupta', 'Haddad',
  'Hansen', 'Ito', 'Jensen', 'Johnson', 'Kaur', 'Kim', 'Kowalski', 'Larsen', 'Lee', 'Lopez',
  'Martin', 'Mensah', 'Moreau', 'Müller', 'Nakamura', 'Nguyen', "O'Brien", 'Okafor', 'Park',
  'Patel', 'Petrov', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Suzuki',
  'Tanaka', 'Taylor', 'van der Berg', 'Wagner', 'Walker', 'Wang', 'Weber', 'Wilson', 'Yilmaz',
  'Zhang',
] as const;

/** Company names are `<first> <second>`: "Acme Robotics", "Northwind Analytics". */
export const COMPANY_FIRST_WORDS = [
  'Acme', 'Aperture', 'Arcadia', 'Atlas', 'Beacon', 'Blue Harbor', 'Bright', 'Cascade',
  'Cedar', 'Copper', 'Crescent', 'Evergreen', 'Falcon', 'Granite', 'Helix', 'Horizon',
  'Iron', 'Juniper', 'Keystone', 'Lumen', 'Meridian', 'Nimbus', 'Northwind', 'Nova', 'Orbit',
  'Pinnacle', 'Polar', 'Quantum', 'Redwood', 'Sable', 'Silverline', 'Summit', 'Tandem',
  'Tidal', 'Vertex', 'Wavelength', 'Willow', 'Zenith',
] as const;

export const COMPANY_SECOND_WORDS = [
  'Analytics', 'Bank', 'Biotech', 'Cloud', 'Commerce', 'Dynamics', 'Energy', 'Foods',
  'Freight', 'Health', 'Insurance', 'Labs', 'Logistics', 'Media', 'Networks', 'Payments',
  'Robotics', 'Security', 'Software', 'Systems', 'Technologies', 'Ventures',
] as const;

export const INDUSTRIES = [
  'software', 'financial services', 'healthcare', 'manufacturing', 'retail', 'logistics',
  'telecommunications', 'energy', 'media', 'education', 'insurance', 'biotechnology',
] as const;

export const DOMAIN_SUFFIXES = ['com', 'com', 'com', 'io', 'ai', 'co', 'de', 'fr', 'net'] as const;
