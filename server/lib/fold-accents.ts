/** Text without its accents and other combining marks: "José Núñez" → "Jose Nunez". */
export const foldAccents = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '');
