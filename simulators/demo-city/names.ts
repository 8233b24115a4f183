/**
 * Street names for the demo city. The central ones follow Guadalajara's Centro (the E–W streets either
 * side of Av. Juárez, the N–S streets either side of Alcalde / 16 de Septiembre); the outer ones come
 * from the pool of historical names Mexican colonias use. Ordered from the centre outwards.
 */
export const EW_NORTH = [
  'Pedro Moreno', 'Morelos', 'Independencia', 'San Felipe', 'Reforma', 'Juan Álvarez', 'Garibaldi',
  'Jesús García', 'Herrera y Cairo', 'Hospital', 'Joaquín Angulo', 'Juan Manuel', 'Manuel Acuña',
  'Jesús', 'Monte Carmelo', 'Dr. Baeza Alzaga', 'Mezquitán', 'Mariano Bárcena', 'Eulogio Parra',
];
export const EW_SOUTH = [
  'López Cotilla', 'Madero', 'Prisciliano Sánchez', 'Lerdo de Tejada', 'Libertad', 'Mexicaltzingo',
  'Miguel Blanco', 'Escorza', 'José María Vigil', 'Nueva Galicia', 'Manuel López Cotilla', 'Marsella',
  'Colonias', 'Efraín González Luna', 'Lope de Vega', 'Tomás V. Gómez', 'Pablo Neruda',
];
export const NS_WEST = [
  'Pino Suárez', 'Degollado', 'Colón', 'Donato Guerra', 'Ocampo', 'Galeana', 'Contreras Medellín',
  'Pedro Loza', 'Pavo', 'Pino', 'Santa Mónica', 'Manuel M. Diéguez', 'General Coronado', 'Tolsa',
  'Mariano Otero', 'Rayón', 'Marcos Castellanos', 'Ignacio Ramírez', 'Argentina', 'Ghilardi',
];
export const NS_EAST = [
  'Maestranza', 'Corona', 'Humboldt', 'Molina', 'Gigantes', 'Cabañas', 'Manuel Doblado', 'Gante',
  'Pípila', 'Leandro Valle', 'Medrano', 'Industria', 'Nicolás Bravo', 'Constitución', 'Obregón',
  'Guillermo Prieto', 'Analco', 'Jardines del Bosque', 'Emiliano Zapata', 'Herrera',
];
/** Used once a list above runs out, with the sector (Nte./Sur/Ote./Pte.) appended. */
export const POOL = [
  'Aldama', 'Allende', 'Matamoros', 'Guerrero', 'Zaragoza', 'Abasolo', 'Victoria', 'Juan de la Barrera',
  'Escobedo', 'Arista', 'Ramón Corona', 'Ogazón', 'Nezahualcóyotl', 'Cuauhtémoc', 'Xicoténcatl', 'Ayuntamiento',
];
